using System.Net.Sockets;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Support;

/// <summary>
/// A TCP listener on 127.0.0.1 that accepts connections and never answers: a storage endpoint that hangs, as a
/// throttled or half-dead service does.
/// </summary>
public sealed class SilentEndpoint : LoopbackListener
{
    private readonly List<Socket> _accepted = [];
    private int _connections;

    private SilentEndpoint(int port)
        : base(port)
    {
        StartAccepting();
    }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Listens on <paramref name="port"/> (0: any free port).</summary>
    public static SilentEndpoint Start(int port = 0) => new(port);

    protected override void OnAccepted(Socket connection)
    {
        lock (_accepted)
        {
            _accepted.Add(connection); // Held open, never read from or written to.
        }

        Interlocked.Increment(ref _connections);
    }

    protected override void CloseConnections()
    {
        lock (_accepted)
        {
            _accepted.ForEach(c => c.Dispose());
        }
    }
}
