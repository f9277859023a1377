using Xunit;

namespace ZapiFunctions.Testing;

/// <summary>
/// Assertions on what a host exported to <see cref="FakeAppInsights"/> after the same run: start-up with an empty
/// allow list, two accepted callbacks (one errored, processed and notified), one refused (another webhook type, 422),
/// then one answered 503 with storage down.
/// The Functions app and the DevHost must export the same telemetry, apart from the ingest requests: the DevHost records
/// its own, the Functions app leaves them to the Functions host. Each host's tests add what is its own.
/// </summary>
public static class ExportedTelemetry
{
    /// <summary>The sample callbacks' phone number.</summary>
    public const string Phone = "5511987654321";

    /// <summary>How logs may show <see cref="Phone"/>.</summary>
    public const string MaskedPhone = "55*******4321";

    /// <summary>The ingest <c>zapi.ingest</c> spans.</summary>
    public static IEnumerable<TelemetryEnvelope> IngestSpans(IEnumerable<TelemetryEnvelope> items) =>
        items.Where(i => i.BaseType == "RemoteDependencyData" && i.Data("name") == "zapi.ingest");

    /// <summary>The requests to the ingest endpoint (<c>/api/zapi/on-send</c>).</summary>
    public static IEnumerable<TelemetryEnvelope> IngestRequests(IEnumerable<TelemetryEnvelope> items) =>
        items.Where(i => i.BaseType == "RequestData" && (i.Data("url") ?? string.Empty).EndsWith("/api/zapi/on-send", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="item"/> is the start-up log of an empty allow list.</summary>
    public static bool IsStartUpWarningOfAnEmptyAllowList(TelemetryEnvelope item) =>
        item.BaseType == "MessageData" && item.Data("message")!.StartsWith("Zapi__AllowedInstanceIds is empty", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="item"/> is a log that shows the phone number masked.</summary>
    public static bool IsLogWithTheMaskedPhone(TelemetryEnvelope item) =>
        item.BaseType == "MessageData" && item.Data("message")!.Contains(MaskedPhone, StringComparison.Ordinal);

    /// <summary>The start-up warning of an empty allow list is exported as a warning log.</summary>
    public static void AssertStartUpWarningOfAnEmptyAllowList(IReadOnlyList<TelemetryEnvelope> items)
    {
        var log = Assert.Single(items, IsStartUpWarningOfAnEmptyAllowList);

        Assert.Equal("Warning", log.Data("severityLevel"));
        Assert.Equal("ZapiFunctions.Core.Configuration.IngestStartupReport", log.Property("CategoryName"));
    }

    /// <summary>
    /// Each ingest request is a request with its result code (200, 200, 422, 503), the 422 and 503 ones failed, and the
    /// 503's <c>zapi.ingest</c> span is failed as unavailable. Returns the requests.
    /// </summary>
    public static IReadOnlyList<TelemetryEnvelope> AssertIngestRequestsWithTheirResultCodes(IReadOnlyList<TelemetryEnvelope> items)
    {
        var requests = IngestRequests(items).ToList();

        Assert.Equal(["200", "200", "422", "503"], requests.Select(r => r.Data("responseCode")).Order());
        // The Azure Monitor exporter marks every request answered 4xx or 5xx as failed, the refusal included.
        Assert.All(requests, r => Assert.Equal(r.Data("responseCode") == "200" ? "true" : "false", r.Data("success")));
        var unavailable = Assert.Single(items, i => i.Data("name") == "zapi.ingest" && i.Property("zapi.outcome") == "unavailable");
        Assert.Equal("false", unavailable.Data("success"));
        Assert.Equal(requests.Single(r => r.Data("responseCode") == "503").Data("id"), unavailable.ParentId);
        return requests;
    }

    /// <summary>
    /// The app metrics common to both hosts: the callback answered 503 as unavailable for want of its queue, and the
    /// errored send by category.
    /// </summary>
    public static void AssertAppMetrics(IReadOnlyList<TelemetryEnvelope> items)
    {
        AssertMetric(items, "zapi.callbacks.received", ("outcome", "unavailable"), ("reason", "queue-unavailable"));
        AssertMetric(items, "zapi.errored_sends", ("category", "invalid-number"));
    }

    /// <summary>A metric named <paramref name="name"/> was exported with (at least) these dimensions.</summary>
    public static void AssertMetric(IReadOnlyList<TelemetryEnvelope> items, string name, params (string Name, string Value)[] dimensions) =>
        Assert.Contains(items, m => m.BaseType == "MetricData" && m.MetricNames.Contains(name) && dimensions.All(d => m.Property(d.Name) == d.Value));

    /// <summary>
    /// The errored send's processing (a request named <c>zapi.errored_send</c>) is a child of its <c>zapi.ingest</c>
    /// span, in the same operation, and the notification is a dependency under the processing.
    /// </summary>
    public static ErroredSendTrace AssertErroredSendTrace(IReadOnlyList<TelemetryEnvelope> items, string erroredRequestId)
    {
        var ingest = Assert.Single(items, i => i.Data("name") == "zapi.ingest" && i.Property("zapi.request_id") == erroredRequestId);
        var processing = Assert.Single(items, i => i.BaseType == "RequestData" && i.Data("name") == "zapi.errored_send");

        Assert.Equal(erroredRequestId, processing.Property("zapi.request_id"));
        Assert.Equal(ingest.OperationId, processing.OperationId);
        Assert.Equal(ingest.Data("id"), processing.ParentId);

        var notify = Assert.Single(items, i => i.BaseType == "RemoteDependencyData" && (i.Data("data") ?? string.Empty).EndsWith("/hook", StringComparison.Ordinal));
        Assert.Equal(processing.Data("id"), notify.ParentId);
        Assert.Equal(ingest.OperationId, notify.OperationId);
        return new ErroredSendTrace(ingest, processing, notify);
    }

    /// <summary>Logs were exported with the phone number masked, and the full number is nowhere in what was posted.</summary>
    public static void AssertNoFullPhoneNumber(IReadOnlyList<TelemetryEnvelope> items, string raw)
    {
        Assert.Contains(items, IsLogWithTheMaskedPhone);
        Assert.DoesNotContain(Phone, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone[2..], raw, StringComparison.Ordinal);
    }
}

/// <summary>The envelopes of an errored send's trace (see <see cref="ExportedTelemetry.AssertErroredSendTrace"/>).</summary>
public sealed record ErroredSendTrace(TelemetryEnvelope Ingest, TelemetryEnvelope Processing, TelemetryEnvelope Notify);
