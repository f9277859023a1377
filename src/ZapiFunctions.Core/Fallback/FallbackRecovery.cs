using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Health;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// The scheduled drain (the <c>FallbackDrain</c> timer function, and the DevHost's poller): with no
/// <c>ZapiFallbackStorage</c> it does nothing; otherwise it checks that the primary storage answers (both ingest
/// queues, as the readiness probe does) and only then moves what the fallback holds back with <see cref="FallbackDrain"/>.
/// </summary>
public sealed partial class FallbackRecovery
{
    private readonly FallbackDrain? _drain;
    private readonly IHealthCheck _primary;
    private readonly ILogger<FallbackRecovery> _logger;

    /// <param name="drain">The drain; null when no fallback is configured.</param>
    /// <param name="primary">Says whether the primary storage answers (<see cref="QueueReadinessCheck"/>).</param>
    /// <param name="logger">Where the outcome is logged.</param>
    public FallbackRecovery(FallbackDrain? drain, IHealthCheck primary, ILogger<FallbackRecovery> logger)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(logger);
        _drain = drain;
        _primary = primary;
        _logger = logger;
    }

    /// <summary>Whether a fallback is configured (otherwise <see cref="RunAsync"/> does nothing).</summary>
    public bool IsConfigured => _drain is not null;

    /// <summary>One scheduled run: check the primary, then drain. Storage failures of the drain itself throw.</summary>
    public async Task<FallbackRecoveryResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_drain is null)
        {
            return new FallbackRecoveryResult(FallbackRecoveryOutcome.NotConfigured, [], null);
        }

        var primary = await _primary.CheckHealthAsync(new HealthCheckContext(), cancellationToken);
        if (primary.Status == HealthStatus.Unhealthy)
        {
            var reason = primary.Description ?? "no answer";
            LogPrimaryUnavailable(_logger, reason);
            return new FallbackRecoveryResult(FallbackRecoveryOutcome.PrimaryUnavailable, [], reason);
        }

        var moved = await _drain.DrainAsync(cancellationToken);
        var total = moved.Sum(m => m.Messages);
        if (total > 0)
        {
            var queues = string.Join(", ", moved.Select(m => $"{m.Queue} {m.Messages}"));
            LogDrained(_logger, total, queues);
        }

        return new FallbackRecoveryResult(FallbackRecoveryOutcome.Drained, moved, null);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning,
        Message = "Not draining ZapiFallbackStorage: the primary storage does not answer ({Reason}); trying again at the next run")]
    private static partial void LogPrimaryUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information,
        Message = "Moved {Count} message(s) from ZapiFallbackStorage back to the primary storage ({Queues})")]
    private static partial void LogDrained(ILogger logger, long count, string queues);
}
