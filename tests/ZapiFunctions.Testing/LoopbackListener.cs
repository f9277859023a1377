using System.Net;
using System.Net.Sockets;

namespace ZapiFunctions.Testing;

/// <summary>
/// The accept loop and orderly stop of the tests' own TCP endpoints: a listener on 127.0.0.1 that accepts
/// connections until disposed and hands each one to <see cref="OnAccepted"/>.
/// </summary>
public abstract class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    /// <summary>Listens on <paramref name="port"/> (0: any free port); accepting starts with <see cref="StartAccepting"/>.</summary>
    protected LoopbackListener(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    /// <summary>The port listened on, 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Cancelled when disposal begins.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        CloseConnections();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts accepting; call once, at the end of the derived constructor.</summary>
    protected void StartAccepting() => _accepting = AcceptAsync();

    /// <summary>Takes a connection just accepted; must not block the accept loop.</summary>
    protected abstract void OnAccepted(Socket connection);

    /// <summary>Closes the connections still open, once accepting has stopped.</summary>
    protected abstract void CloseConnections();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            OnAccepted(connection);
        }
    }
}
