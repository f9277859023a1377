using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.DevHost.Timers;

namespace ZapiFunctions.DevHost.Backlog;

/// <summary>
/// The DevHost's stand-in for the <c>Backlog</c> timer function: reads the queue backlog at start-up and then every
/// <c>DevHost:BacklogInterval</c> (see <see cref="BacklogPollerSetup"/>), so the gauges <c>zapi.queue.depth</c> and
/// <c>zapi.queue.oldest_age</c> are current. The monitor logs storage failures itself; nothing here stops the host.
/// </summary>
internal sealed class BacklogPoller(BacklogMonitor monitor, TimeSpan interval, TimeProvider time, ILogger<BacklogPoller> logger)
    : TimerStandIn(interval, time, logger)
{
    protected override string Work => "Reading the queue backlog";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => monitor.RefreshAsync(cancellationToken);
}
