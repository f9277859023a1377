using System.Diagnostics;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>Stable telemetry names: dashboards, alerts and the KQL in docs/monitoring.md depend on them.</summary>
public static class ZapiTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "ZapiFunctions";

    /// <summary>The activity source for ingest and processing spans.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>Counter: callbacks received, tagged <c>outcome</c> and <c>reason</c>.</summary>
    public const string CallbacksReceived = "zapi.callbacks.received";

    /// <summary>Histogram: seconds spent writing one callback to its queue, tagged <c>queue</c> and <c>outcome</c>.</summary>
    public const string EnqueueDuration = "zapi.enqueue.duration";

    /// <summary>
    /// Counter: callbacks stored, tagged <c>queue</c> and <see cref="StoreTag"/> (<c>primary</c> or <c>fallback</c>).
    /// Recorded when <c>ZapiFallbackStorage</c> is set; any <c>fallback</c> means the primary storage failed a write.
    /// </summary>
    public const string CallbacksStored = "zapi.callbacks.stored";

    /// <summary>The tag naming the store that took a callback on <see cref="CallbacksStored"/>: <c>primary</c> or <c>fallback</c>.</summary>
    public const string StoreTag = "store";

    /// <summary>Counter: errored sends newly recorded, tagged <c>category</c> and <c>instance_id</c>.</summary>
    public const string ErroredSends = "zapi.errored_sends";

    /// <summary>
    /// Counter: messages that failed every try and were kept in the dead-letters table, tagged <c>queue</c> (the queue
    /// they came from) and <c>readable</c> (whether the body was a callback envelope). The poison queue empties within
    /// seconds, so this, not its depth, is what an alert watches.
    /// </summary>
    public const string DeadLetters = "zapi.dead_letters";

    /// <summary>
    /// Observable gauge: approximate number of messages in a queue, tagged <c>queue</c> (the queue's name), unit
    /// <c>{message}</c>. Published for the deliveries queue, the errored-sends queue and its poison queue.
    /// </summary>
    public const string QueueDepth = "zapi.queue.depth";

    /// <summary>
    /// Observable gauge: seconds since the message at the front of a queue was inserted (0 when the queue is empty
    /// or does not exist), tagged <c>queue</c>, unit <c>s</c>.
    /// </summary>
    public const string QueueOldestAge = "zapi.queue.oldest_age";

    /// <summary>The tag naming the queue on <see cref="QueueDepth"/>, <see cref="QueueOldestAge"/> and <see cref="EnqueueDuration"/>.</summary>
    public const string QueueTag = "queue";

    /// <summary>
    /// The W3C <c>traceparent</c> of <paramref name="activity"/> (else of <see cref="Activity.Current"/>), so the
    /// queue message carries the ingest's trace. Never null: with no W3C activity (nothing listens, or a
    /// hierarchical id) it is a new random trace and span, flagged sampled so that processing, which starts from it,
    /// is kept by parent-based samplers and every try of one callback still shares one trace id.
    /// </summary>
    public static string TraceParent(Activity? activity)
    {
        var context = (activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } w3c
            ? w3c.Context
            : new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var flags = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        return $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{flags}";
    }
}
