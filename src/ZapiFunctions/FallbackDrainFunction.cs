using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.Fallback;

namespace ZapiFunctions;

/// <summary>
/// Every 5 minutes, moves what <c>ZapiFallbackStorage</c> took back to the primary storage once the primary answers
/// again (<see cref="FallbackRecovery"/>; the DevHost runs the same on its own timer, and <c>zapi fallback drain</c> by
/// hand). Without <c>ZapiFallbackStorage</c> it does nothing.
/// </summary>
public sealed class FallbackDrainFunction(FallbackRecovery recovery)
{
    /// <summary>Six-field CRON (seconds first): second 0 of every fifth minute.</summary>
    [Function("FallbackDrain")]
    public Task RunAsync([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.RunAsync(cancellationToken);
}
