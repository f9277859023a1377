using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.Operations.Backlog;

namespace ZapiFunctions;

/// <summary>
/// Reads the queue backlog every minute, so the gauges <c>zapi.queue.depth</c> and <c>zapi.queue.oldest_age</c> stay
/// current (<see cref="BacklogMonitor"/>; the DevHost runs the same monitor on its own timer).
/// </summary>
public sealed class BacklogFunction(BacklogMonitor monitor)
{
    /// <summary>Six-field CRON (seconds first): second 0 of every minute.</summary>
    [Function("Backlog")]
    public Task RunAsync([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        monitor.RefreshAsync(cancellationToken);
}
