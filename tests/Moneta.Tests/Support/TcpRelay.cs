using System.Net;
using System.Net.Sockets;

namespace Moneta.Tests.Support;

/// <summary>
/// A loopback TCP relay between a silo and a real service, which a test can cut and restore: the service becomes
/// unreachable (connections refused, open ones dropped) without being stopped.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;

    private TcpRelay(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static TcpRelay Start(Uri target)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, target.Port), port);
        relay.Restore();
        return relay;
    }

    /// <summary>Refuses new connections and drops the open ones.</summary>
    public void Cut()
    {
        lock (_open)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void Restore()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        lock (_open)
        {
            _listener = listener;
        }

        _ = AcceptAsync(listener);
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var inbound = await listener.AcceptTcpClientAsync();
                var outbound = new TcpClient();
                await outbound.ConnectAsync(_target);
                lock (_open)
                {
                    // A connection accepted just before Cut() must not outlive it.
                    if (_listener != listener)
                    {
                        inbound.Dispose();
                        outbound.Dispose();
                        return;
                    }

                    _open.Add(inbound);
                    _open.Add(outbound);
                }

                _ = PipeAsync(inbound, outbound);
                _ = PipeAsync(outbound, inbound);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut: the listener stopped.
        }
    }

    private static async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
