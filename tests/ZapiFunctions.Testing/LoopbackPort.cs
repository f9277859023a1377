using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ZapiFunctions.Testing;

public static class LoopbackPort
{
    // Below Linux's ephemeral range (32768-60999): a port the OS hands out for binds to port 0 and for every
    // outgoing connection could be taken again by one of those before the process under test binds it. A port from
    // this range is taken only by someone choosing it.
    private const int First = 20000;
    private const int Last = 32000;

    // The test assemblies run in parallel, each in its own process, and each starts Azurites, DevHosts and Kestrels
    // on ports chosen here: a port free when one process checked it could be handed to another process before the
    // first one's child bound it (CI saw a DevHost fail with "address already in use"). So a port is claimed
    // machine-wide with a lock file before it is handed out. The lock is the OS's (FileShare.None is flock on
    // Unix), so it goes away with the process that held it, even one that was killed, and a later run can reuse it.
    // One directory per user: another user's directory may not be writable (their processes are still caught by
    // the bind check, as before).
    private static readonly string ClaimDirectory = Path.Combine(Path.GetTempPath(), $"zapi-test-ports-{Environment.UserName}");

    private static readonly ConcurrentDictionary<int, FileStream> Claimed = new();

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago, and that no test process on this machine has been handed
    /// while it is alive (this one included).
    /// </summary>
    public static int Free() => Free(() => Random.Shared.Next(First, Last));

    /// <summary><see cref="Free()"/> trying the ports <paramref name="candidates"/> gives, in its order (for tests).</summary>
    internal static int Free(Func<int> candidates)
    {
        Directory.CreateDirectory(ClaimDirectory);
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = candidates();
            if (Claimed.ContainsKey(port) || TryClaim(port) is not { } claim)
            {
                continue;
            }

            // Kept even when the port is in use by something that is not a test process, so it is not tried again.
            Claimed[port] = claim;
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port found between {First} and {Last}.");
    }

    internal static string ClaimFile(int port) => Path.Combine(ClaimDirectory, $"{port}.lock");

    private static FileStream? TryClaim(int port)
    {
        try
        {
            return new FileStream(ClaimFile(port), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null; // Held by another test process.
        }
        catch (UnauthorizedAccessException)
        {
            return null; // Left by another user; their process may hold it.
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
