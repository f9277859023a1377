using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// A TCP proxy on a free 127.0.0.1 port that pipes every connection to a loopback target port (here Azurite's
/// queue service), so a test can cut the network between a process and its storage: <see cref="Cut"/> resets every
/// open connection and refuses new ones (accept, then reset) until <see cref="Restore"/>. An optional tap sees the
/// bytes in both directions (the storage protocol is plain HTTP on loopback).
/// </summary>
public sealed class TcpProxy : LoopbackListener
{
    private readonly int _targetPort;
    private readonly Action<long, bool, ReadOnlySpan<byte>>? _tap;
    private readonly ConcurrentDictionary<long, Pair> _open = new();
    private readonly object _gate = new();
    private long _nextId;
    private bool _cut;
    private int _refused;
    private int _reset;

    /// <param name="targetPort">The loopback port to pipe to.</param>
    /// <param name="tap">Called with (connection id, true for client → target, bytes) for every chunk piped.</param>
    public TcpProxy(int targetPort, Action<long, bool, ReadOnlySpan<byte>>? tap = null)
        : base(0)
    {
        _targetPort = targetPort;
        _tap = tap;
        StartAccepting();
    }

    /// <summary>Connections refused while cut.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Open connections reset by <see cref="Cut"/>.</summary>
    public int Reset => Volatile.Read(ref _reset);

    /// <summary>Resets every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var (id, pair) in _open)
            {
                if (_open.TryRemove(id, out _))
                {
                    Interlocked.Increment(ref _reset);
                    pair.Abort();
                }
            }
        }
    }

    /// <summary>Accepts and pipes connections again.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
        }
    }

    protected override void OnAccepted(Socket connection) => _ = Task.Run(() => ConnectAsync(connection));

    protected override void CloseConnections()
    {
        foreach (var pair in _open.Values)
        {
            pair.Abort();
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        if (IsCut())
        {
            Refuse(client);
            return;
        }

        var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await target.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            target.Dispose();
            Refuse(client);
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        var pair = new Pair(client, target);
        lock (_gate)
        {
            if (_cut)
            {
                pair.Abort();
                Interlocked.Increment(ref _refused);
                return;
            }

            _open[id] = pair;
        }

        await Task.WhenAll(PipeAsync(id, pair, client, target, toTarget: true), PipeAsync(id, pair, target, client, toTarget: false));
        _open.TryRemove(id, out _);
        pair.Abort();
    }

    private async Task PipeAsync(long id, Pair pair, Socket from, Socket to, bool toTarget)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, Stopping);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                _tap?.Invoke(id, toTarget, buffer.AsSpan(0, read));
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, Stopping);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            pair.Abort();
        }
    }

    private bool IsCut()
    {
        lock (_gate)
        {
            return _cut;
        }
    }

    private void Refuse(Socket client)
    {
        Interlocked.Increment(ref _refused);
        Pair.ResetAndClose(client);
    }

    private sealed class Pair(Socket client, Socket target)
    {
        private int _aborted;

        public void Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) == 0)
            {
                ResetAndClose(client);
                ResetAndClose(target);
            }
        }

        /// <summary>Closes with a TCP reset (linger 0), as a cut network cable or a dead peer looks to the other side.</summary>
        public static void ResetAndClose(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
        }
    }
}
