using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Creates the ingest queues once at start-up, not per request. Storage being down at start-up must not stop
/// the app: the failure is logged and the writer creates a missing queue on first use.
/// </summary>
public sealed partial class QueueProvisioner(
    IQueueWriter queue, IOptions<ZapiOptions> options, ILogger<QueueProvisioner> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var names = options.Value.IngestQueues();
        var list = string.Join(", ", names);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await queue.EnsureQueuesAsync(names, timeout.Token);
            LogQueuesReady(logger, list);
        }
#pragma warning disable CA1031 // Start-up must survive storage being briefly unreachable; see the class comment.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogQueuesNotReady(logger, list, StorageFailure.Describe(ex));
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Queues ready: {Queues}")]
    private static partial void LogQueuesReady(ILogger logger, string queues);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Could not create queues {Queues} at start-up ({Reason}); they will be created on first use")]
    private static partial void LogQueuesNotReady(ILogger logger, string queues, string reason);
}
