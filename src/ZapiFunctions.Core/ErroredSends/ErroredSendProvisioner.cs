using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>Creates the errored-sends table at start-up; storage being down then is logged, not fatal.</summary>
public sealed partial class ErroredSendProvisioner(ErroredSendLedger ledger, ILogger<ErroredSendProvisioner> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await ledger.EnsureTableAsync(timeout.Token);
            LogReady(logger, ledger.TableName);
        }
#pragma warning disable CA1031 // Start-up must survive storage being briefly unreachable; the ledger creates it on first use.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogNotReady(logger, ledger.TableName, StorageFailure.Describe(ex));
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Table ready: {Table}")]
    private static partial void LogReady(ILogger logger, string table);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Could not create table {Table} at start-up ({Reason}); it will be created on first use")]
    private static partial void LogNotReady(ILogger logger, string table, string reason);
}
