using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Table creation at start-up, shared by the errored-sends and dead-letters provisioners: storage being down then is
/// logged, not fatal, because the table's owner creates it on first use. Each provisioner passes its own log methods,
/// so each keeps its own EventIds.
/// </summary>
internal static class StartupTableCreation
{
    /// <summary>Long enough for a slow account, short enough not to hold up the host's start.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs <paramref name="ensureTable"/> with <see cref="Timeout"/> and logs <paramref name="logReady"/> or, when it
    /// fails or times out, <paramref name="logNotReady"/> with the reason; only the host's own cancellation propagates.
    /// </summary>
    public static async Task EnsureAsync(
        Func<CancellationToken, Task> ensureTable,
        string tableName,
        ILogger logger,
        Action<ILogger, string> logReady,
        Action<ILogger, string, string> logNotReady,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await ensureTable(timeout.Token);
            logReady(logger, tableName);
        }
#pragma warning disable CA1031 // Start-up must survive storage being briefly unreachable; the table's owner creates it on first use.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            logNotReady(logger, tableName, StorageFailure.Describe(ex));
        }
    }
}
