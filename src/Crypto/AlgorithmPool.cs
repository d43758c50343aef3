using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Moneta.Crypto;

/// <summary>
/// Imported key instances for concurrent use. .NET does not document ECDsa or RSA instances as thread-safe,
/// so each caller borrows one of its own; pooling avoids importing the key again on every signature.
/// </summary>
internal sealed class AlgorithmPool<T> : IDisposable
    where T : AsymmetricAlgorithm
{
    // Beyond this many idle instances a returned one is disposed: enough for every core to be busy twice over.
    private static readonly int MaxIdle = Environment.ProcessorCount * 2;

    private readonly ConcurrentBag<T> _idle = [];
    private readonly Func<T> _create;
    private volatile bool _disposed;

    public AlgorithmPool(Func<T> create) => _create = create;

    public T Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _idle.TryTake(out var algorithm) ? algorithm : _create();
    }

    public void Return(T algorithm)
    {
        if (_disposed || _idle.Count >= MaxIdle)
        {
            algorithm.Dispose();
            return;
        }

        _idle.Add(algorithm);

        // Dispose may have drained the bag between the check above and the Add.
        if (_disposed)
            Drain();
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var algorithm))
            algorithm.Dispose();
    }
}
