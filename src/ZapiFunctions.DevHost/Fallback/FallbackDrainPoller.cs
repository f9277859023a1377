using ZapiFunctions.Core.Fallback;
using ZapiFunctions.DevHost.Timers;

namespace ZapiFunctions.DevHost.Fallback;

/// <summary>
/// The DevHost's stand-in for the <c>FallbackDrain</c> timer function: at start-up and then every
/// <see cref="Interval"/> (5 minutes, as the function), moves what <c>ZapiFallbackStorage</c> holds back to the primary
/// storage once the primary answers (<see cref="FallbackRecovery"/>). Not started without <c>ZapiFallbackStorage</c>.
/// </summary>
internal sealed class FallbackDrainPoller(FallbackRecovery recovery, TimeProvider time, ILogger<FallbackDrainPoller> logger)
    : TimerStandIn(Interval, time, logger)
{
    /// <summary>The Functions timer's period.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override string Work => "Draining ZapiFallbackStorage";

    protected override bool Enabled => recovery.IsConfigured;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => recovery.RunAsync(cancellationToken);
}
