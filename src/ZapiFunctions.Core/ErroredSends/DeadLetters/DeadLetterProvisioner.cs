using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// Creates the dead-letters table at start-up, like the errored-sends table; storage being down then is logged, not
/// fatal (the store creates it on first use). Says which try is the last one when the host registered it.
/// </summary>
public sealed partial class DeadLetterProvisioner(
    DeadLetterStore store, ILogger<DeadLetterProvisioner> logger, HostQueueSettings? queueSettings = null) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartupTableCreation.EnsureAsync(store.EnsureTableAsync, store.TableName, logger, LogReady, LogNotReady, cancellationToken);

        if (queueSettings is not null)
        {
            LogLastTry(logger, store.TableName, queueSettings.MaxDequeueCount, queueSettings.Source);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Table ready: {Table}")]
    private static partial void LogReady(ILogger logger, string table);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Could not create table {Table} at start-up ({Reason}); it will be created on first use")]
    private static partial void LogNotReady(ILogger logger, string table, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Debug,
        Message = "An errored send failing its last try ({MaxDequeueCount}, maxDequeueCount from {Source}) is kept in {Table} before the runtime moves it to the poison queue")]
    private static partial void LogLastTry(ILogger logger, string table, int maxDequeueCount, string source);
}
