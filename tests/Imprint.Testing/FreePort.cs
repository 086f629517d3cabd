using System.Net;
using System.Net.Sockets;

namespace Imprint.Testing;

/// <summary>Free loopback TCP ports for servers a test starts (never a fixed port number).</summary>
public static class FreePort
{
    /// <summary>Returns a port the OS just reported free on 127.0.0.1.</summary>
    /// <remarks>Another process may take it before the caller binds it; the window is tiny on a test machine.</remarks>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
