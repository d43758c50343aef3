using System.Diagnostics;

namespace Moneta.LoadGenerator;

/// <summary>
/// The silos requests go to, in turn, as a load balancer sends them: one that refused a connection is skipped for
/// a second (its health check failing), and the request goes to the next.
/// </summary>
internal sealed class SiloRotation(IReadOnlyList<Uri> urls)
{
    private readonly long[] _skipUntil = new long[urls.Count];
    private int _next = -1;

    public int Count => urls.Count;

    public (int Index, Uri Url) Next()
    {
        var now = Stopwatch.GetTimestamp();
        var index = 0;
        for (var tried = 0; tried < urls.Count; tried++)
        {
            index = (int)((uint)Interlocked.Increment(ref _next) % (uint)urls.Count);
            if (Volatile.Read(ref _skipUntil[index]) <= now)
                break;
        }

        return (index, urls[index]);
    }

    public void Skip(int index) => Volatile.Write(ref _skipUntil[index], Stopwatch.GetTimestamp() + Stopwatch.Frequency);
}
