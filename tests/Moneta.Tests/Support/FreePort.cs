using System.Net;
using System.Net.Sockets;

namespace Moneta.Tests.Support;

/// <summary>A loopback port nothing listens on now, for a silo or a server a test starts.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
