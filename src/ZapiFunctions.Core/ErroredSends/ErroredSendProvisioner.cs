using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>Creates the errored-sends table at start-up; storage being down then is logged, not fatal.</summary>
public sealed partial class ErroredSendProvisioner(ErroredSendLedger ledger, ILogger<ErroredSendProvisioner> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) =>
        StartupTableCreation.EnsureAsync(ledger.EnsureTableAsync, ledger.TableName, logger, LogReady, LogNotReady, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Table ready: {Table}")]
    private static partial void LogReady(ILogger logger, string table);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Could not create table {Table} at start-up ({Reason}); it will be created on first use")]
    private static partial void LogNotReady(ILogger logger, string table, string reason);
}
