using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Retention;

/// <summary>
/// The DevHost's stand-in for the <c>Retention</c> timer function: purges personal data past
/// <c>Zapi__ErroredSendsRetention</c> <see cref="RetentionPollerSetup.FirstRunDelay"/> after start-up (not during it),
/// then every <c>DevHost:RetentionInterval</c> after that (see <see cref="RetentionPollerSetup"/>). A failure is one warning line;
/// nothing here stops the host.
/// </summary>
internal sealed partial class RetentionPoller(
    PersonalDataRetention retention, IOptions<ZapiOptions> options, TimeSpan interval, TimeProvider time, ILogger<RetentionPoller> logger)
    : BackgroundService
{
    /// <summary>When the first purge is due: counted from construction (start-up), not from when the host runs it.</summary>
    private readonly DateTimeOffset _firstRun = time.GetUtcNow() + RetentionPollerSetup.FirstRunDelay;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = _firstRun;
        while (await WaitUntilAsync(next, stoppingToken))
        {
            try
            {
                await retention.PurgeExpiredAsync(options.Value.ErroredSendsRetention, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background purge must never stop the host; the next interval tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, StorageFailure.Describe(ex));
            }

            // On schedule; a purge that outlasted the interval is followed by the next one at once, not by a backlog.
            next = next + interval > time.GetUtcNow() ? next + interval : time.GetUtcNow();
        }
    }

    /// <summary>Waits until <paramref name="at"/> (at once when it has passed); false when the host is stopping.</summary>
    private async Task<bool> WaitUntilAsync(DateTimeOffset at, CancellationToken stoppingToken)
    {
        var wait = at - time.GetUtcNow();
        try
        {
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "The retention purge failed ({Reason}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string reason);
}
