using System.Diagnostics.Metrics;

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

    /// <summary>Counts one request: <paramref name="outcome"/> is enqueued, ignored (deliveries queue off), rejected or unavailable.</summary>
    public void Received(string outcome, string reason) =>
        _received.Add(1, new("outcome", outcome), new("reason", reason));

    /// <summary>Records one enqueue attempt.</summary>
    public void Enqueued(string queue, bool succeeded, TimeSpan elapsed) =>
        _enqueueDuration.Record(elapsed.TotalSeconds, new("queue", queue), new("outcome", succeeded ? "ok" : "failed"));
}
