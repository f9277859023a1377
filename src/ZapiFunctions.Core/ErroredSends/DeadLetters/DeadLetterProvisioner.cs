using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// Creates the dead-letters table at start-up, like the errored-sends table; storage being down then is logged, not
/// fatal (the store creates it on first use).
/// </summary>
public sealed partial class DeadLetterProvisioner(DeadLetterStore store, ILogger<DeadLetterProvisioner> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) =>
        StartupTableCreation.EnsureAsync(store.EnsureTableAsync, store.TableName, logger, LogReady, LogNotReady, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Table ready: {Table}")]
    private static partial void LogReady(ILogger logger, string table);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Could not create table {Table} at start-up ({Reason}); it will be created on first use")]
    private static partial void LogNotReady(ILogger logger, string table, string reason);
}
