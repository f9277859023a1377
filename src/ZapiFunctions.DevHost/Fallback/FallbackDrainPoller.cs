using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Fallback;

/// <summary>
/// The DevHost's stand-in for the <c>FallbackDrain</c> timer function: at start-up and then every
/// <see cref="Interval"/> (5 minutes, as the function), moves what <c>ZapiFallbackStorage</c> holds back to the primary
/// storage once the primary answers (<see cref="FallbackRecovery"/>). Not started without <c>ZapiFallbackStorage</c>; a
/// failed run is one warning line and never stops the host.
/// </summary>
internal sealed partial class FallbackDrainPoller(
    FallbackRecovery recovery, TimeProvider time, ILogger<FallbackDrainPoller> logger) : BackgroundService
{
    /// <summary>The Functions timer's period.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!recovery.IsConfigured)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await recovery.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background drain must never stop the host; the next tick tries again.
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

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Draining ZapiFallbackStorage failed ({Reason}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string reason);
}
