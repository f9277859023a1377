using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Backlog;

/// <summary>
/// The DevHost's stand-in for the <c>Backlog</c> timer function: reads the queue backlog at start-up and then every
/// <c>DevHost:BacklogInterval</c> (see <see cref="BacklogPollerSetup"/>), so the gauges <c>zapi.queue.depth</c> and
/// <c>zapi.queue.oldest_age</c> are current. The monitor logs storage failures itself; nothing here stops the host.
/// </summary>
internal sealed partial class BacklogPoller(
    BacklogMonitor monitor, TimeSpan interval, TimeProvider time, ILogger<BacklogPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await monitor.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background reading must never stop the host; the next tick tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, StorageFailure.Describe(ex));
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Reading the queue backlog failed ({Reason}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string reason);
}
