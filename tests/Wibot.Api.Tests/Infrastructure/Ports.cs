using System.Net;
using System.Net.Sockets;

namespace Wibot.Api.Tests.Infrastructure;

/// <summary>Free loopback ports for the tests that start the real WIBOT process.</summary>
public static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
