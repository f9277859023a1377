using System.Diagnostics;
using System.Diagnostics.Metrics;
using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>Ingest instruments on the <c>ZapiFunctions</c> meter, created through <see cref="IMeterFactory"/>.</summary>
public sealed class IngestMetrics
{
    private readonly Counter<long> _received;
    private readonly Histogram<double> _enqueueDuration;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ZapiTelemetry.Name);
        _received = meter.CreateCounter<long>(
            ZapiTelemetry.CallbacksReceived, unit: "{callback}", description: "Z-API callbacks received, by outcome.");
        _enqueueDuration = meter.CreateHistogram<double>(
            ZapiTelemetry.EnqueueDuration, unit: "s", description: "Time to write one callback to its queue.");
    }

    /// <summary>
    /// Counts one request that carried a callback: <paramref name="outcome"/> is enqueued, ignored (deliveries queue
    /// off) or unavailable; tags <c>fields</c> (complete or incomplete) and <c>instance</c> (where its instance id came
    /// from, <see cref="InstanceSources"/>) tell callbacks that lacked fields or named two instances apart.
    /// </summary>
    public void Received(string outcome, string reason, DeliveryCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var tags = new TagList
        {
            { "outcome", outcome },
            { "reason", reason },
            { "fields", callback.IsComplete ? "complete" : "incomplete" },
            { "instance", callback.InstanceSource },
        };
        _received.Add(1, tags);
    }

    /// <summary>
    /// Counts one refused request. <paramref name="callbackType"/>, for another webhook type sent here by mistake, is
    /// one of <see cref="WebhookTypes"/>' values (tag <c>callback_type</c>), so a misrouted registration shows by type.
    /// </summary>
    public void Rejected(string reason, string? callbackType = null, DeliveryCallback? callback = null)
    {
        var tags = new TagList { { "outcome", "rejected" }, { "reason", reason } };
        if (callbackType is not null)
        {
            tags.Add("callback_type", callbackType);
        }

        if (callback is not null)
        {
            tags.Add("fields", callback.IsComplete ? "complete" : "incomplete");
            tags.Add("instance", callback.InstanceSource);
        }

        _received.Add(1, tags);
    }

    /// <summary>Records one enqueue attempt.</summary>
    public void Enqueued(string queue, bool succeeded, TimeSpan elapsed) =>
        _enqueueDuration.Record(elapsed.TotalSeconds, new("queue", queue), new("outcome", succeeded ? "ok" : "failed"));
}
