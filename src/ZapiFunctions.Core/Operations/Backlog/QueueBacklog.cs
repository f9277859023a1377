namespace ZapiFunctions.Core.Operations.Backlog;

/// <summary>One queue's backlog, as read at <paramref name="ReadAt"/>.</summary>
/// <param name="Queue">The queue's name (the <c>queue</c> tag of the gauges).</param>
/// <param name="Depth">Storage's approximate message count; 0 when the queue does not exist.</param>
/// <param name="OldestAge">
/// How long the message at the front of the queue had been in it at <paramref name="ReadAt"/>; zero when the queue is
/// empty or does not exist.
/// </param>
/// <param name="ReadAt">When the reading was taken (the monitor's clock).</param>
/// <param name="Exists">False when the queue does not exist yet (read as empty).</param>
public sealed record QueueBacklog(string Queue, long Depth, TimeSpan OldestAge, DateTimeOffset ReadAt, bool Exists);
