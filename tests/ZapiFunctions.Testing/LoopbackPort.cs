using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ZapiFunctions.Testing;

public static class LoopbackPort
{
    // Below Linux's ephemeral range (32768-60999): a port the OS hands out for binds to port 0 and for every
    // outgoing connection could be taken again by one of those before the process under test binds it. A port from
    // this range is taken only by someone choosing it, and the ports handed out here are never handed out twice.
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port found between {First} and {Last}.");
    }
}
