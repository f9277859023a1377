using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Timers;

/// <summary>
/// The DevHost's stand-in for a Functions timer trigger: runs <see cref="RunOnceAsync"/> at start-up and then every
/// interval. A failed run is one warning line and never stops the host; the next tick tries again.
/// </summary>
internal abstract partial class TimerStandIn(TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What a run does, for the failure line (e.g. "Reading the queue backlog").</summary>
    protected abstract string Work { get; }

    /// <summary>False when the work is not configured: the stand-in then never runs.</summary>
    protected virtual bool Enabled => true;

    /// <summary>One run of the timer function's work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background run must never stop the host; the next tick tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, Work, StorageFailure.Describe(ex));
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

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "{Work} failed ({Reason}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string work, string reason);
}
