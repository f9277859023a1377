using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// What the DevHost, as a real process, exports to Application Insights: its APPLICATIONINSIGHTS_CONNECTION_STRING
/// points at a fake ingestion endpoint of the tests' own. One run (<see cref="DevHostTelemetryRun"/>) is shared; each
/// test asserts one property of what was posted.
/// </summary>
public sealed class DevHostTelemetryEndToEndTests(DevHostTelemetryRun run, ITestOutputHelper output) : IClassFixture<DevHostTelemetryRun>
{
    [Fact]
    public void The_start_up_warning_of_an_empty_allow_list_is_exported_as_a_warning_log() =>
        ExportedTelemetry.AssertStartUpWarningOfAnEmptyAllowList(run.Items);

    [Fact]
    public void Each_ingest_request_is_a_request_with_its_result_code_and_the_503_one_is_failed()
    {
        var requests = ExportedTelemetry.AssertIngestRequestsWithTheirResultCodes(run.Items);

        Assert.All(requests, r => Assert.Equal("POST /api/zapi/on-send", r.Data("name")));
    }

    [Fact]
    public void The_app_metrics_are_exported_with_their_dimensions()
    {
        ExportedTelemetry.AssertAppMetrics(run.Items);
        ExportedTelemetry.AssertMetric(run.Items, "zapi.callbacks.received", ("outcome", "enqueued"), ("reason", "delivered"));
        ExportedTelemetry.AssertMetric(run.Items, "zapi.enqueue.duration", ("queue", "zapi-deliveries"), ("outcome", "failed"));
    }

    [Fact]
    public void Errored_send_processing_is_in_its_ingest_requests_trace_with_the_notification_as_child()
    {
        var trace = ExportedTelemetry.AssertErroredSendTrace(run.Items, run.ErroredRequestId);
        var request = Assert.Single(run.Items, i => i.BaseType == "RequestData" && i.Data("id") == trace.Ingest.ParentId);

        Assert.Equal("POST /api/zapi/on-send", request.Data("name"));
        Assert.Equal(request.OperationId, trace.Ingest.OperationId);
        Assert.Equal("invalid-number", trace.Processing.Property("zapi.error.category"));
    }

    [Fact]
    public void A_delivered_callback_exports_its_request_and_its_zapi_ingest_span_only_and_the_others_keep_their_detail()
    {
        var delivered = Operation(Assert.Single(run.Calls, c => c.Kind == "delivered" && c.Status == HttpStatusCode.OK)).ToList();
        var errored = Operation(Assert.Single(run.Calls, c => c.Kind == "errored")).ToList();
        var refused = Operation(Assert.Single(run.Calls, c => c.Kind == "refused")).ToList();
        var failed = Operation(Assert.Single(run.Calls, c => c.Status == HttpStatusCode.ServiceUnavailable)).ToList();

        // The DevHost has no Functions host in front to record the request, so its own request stays beside the span.
        Assert.Equal(["RemoteDependencyData", "RequestData"], delivered.Select(i => i.BaseType).Order(StringComparer.Ordinal));
        Assert.Contains(delivered, i => i.Data("name") == "zapi.ingest" && i.Property("zapi.message_id") is not null);
        Assert.Contains(errored, i => i.Data("name") == "zapi.errored_send");
        Assert.Contains(refused, i => i.BaseType == "MessageData" && i.Data("severityLevel") == "Warning");
        Assert.Contains(failed, i => i.BaseType == "RemoteDependencyData" && i.Data("success") == "false" && i.Data("name") != "zapi.ingest");

        // The figures bench/README.md quotes (Telemetry budget): items and bytes of their JSON, as posted before gzip.
        foreach (var (name, items) in new[] { ("delivered", delivered), ("errored", errored), ("refused (422)", refused), ("503", failed) })
        {
            output.WriteLine(FormattableString.Invariant(
                $"telemetry budget (DevHost) {name}: items={items.Count} bytes={items.Sum(i => System.Text.Encoding.UTF8.GetByteCount(i.Json.GetRawText()))} kinds={string.Join(',', items.Select(i => i.BaseType).Order(StringComparer.Ordinal))}"));
        }
    }

    [Fact]
    public void No_full_phone_number_is_exported_anywhere()
    {
        ExportedTelemetry.AssertNoFullPhoneNumber(run.Items, run.Raw);
        Assert.Contains(run.Notified, n => n.Contains(ExportedTelemetry.Phone, StringComparison.Ordinal));
    }

    /// <summary>What was exported in the operation (trace) of <paramref name="call"/>, metrics aside.</summary>
    private IEnumerable<TelemetryEnvelope> Operation(DevHostCall call)
    {
        var span = Assert.Single(ExportedTelemetry.IngestSpans(run.Items), s => s.Property("zapi.request_id") == call.RequestId);
        return run.Items.Where(i => i.OperationId == span.OperationId && i.BaseType != "MetricData");
    }
}

/// <summary>
/// One run of the DevHost exporting to a fake Application Insights: start-up, two accepted callbacks (one errored,
/// processed and notified), one refused (another webhook type, 422), one answered 503 with Azurite stopped, then a graceful stop, which flushes every signal
/// (the Azure Monitor exporter reads metrics once a minute, so the stop is what sends them here).
/// </summary>
public sealed class DevHostTelemetryRun : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string Samples = Path.Combine(RepositoryRoot.Path, "samples", "callbacks");

    private readonly List<DevHostCall> _calls = [];

    public IReadOnlyList<TelemetryEnvelope> Items { get; private set; } = [];

    public string Raw { get; private set; } = string.Empty;

    public string ErroredRequestId { get; private set; } = string.Empty;

    /// <summary>The callbacks posted, in order.</summary>
    public IReadOnlyList<DevHostCall> Calls => _calls;

    /// <summary>The notification bodies the notify endpoint received (they carry the full phone number, by design).</summary>
    public IReadOnlyList<string> Notified { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var fake = await FakeAppInsights.StartAsync();
        await using var notify = await NotifyEndpoint.StartAsync();
        await using var devHost = await DevHostProcess.StartAsync(azurite, new DevHostStart
        {
            Environment = new Dictionary<string, string>
            {
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = fake.ConnectionString,
                ["AzureMonitorExporter__EnableLiveMetrics"] = "false",
                ["AzureMonitorExporter__DisableOfflineStorage"] = "true",

                // The exporter's own usage statistics would go to Microsoft's endpoints: never from a test.
                ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
                ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true",
                ["Zapi__NotifyUrl"] = notify.Url.ToString(),
            },
        });

        ErroredRequestId = await PostAsync(devHost, "errors/10-phone-number-does-not-exist.json", HttpStatusCode.OK);
        await PostAsync(devHost, "delivered.json", HttpStatusCode.OK);
        await PostAsync(devHost, "invalid/received-callback-type.json", HttpStatusCode.UnprocessableEntity);
        await fake.WaitForAsync(
            items => items.Any(i => i.Data("name") == "zapi.errored_send")
                && items.Any(i => i.BaseType == "RemoteDependencyData" && (i.Data("data") ?? string.Empty).EndsWith("/hook", StringComparison.Ordinal)),
            Deadline,
            "the errored send's processing and notification");

        await azurite.StopAsync();
        await PostAsync(devHost, "delivered.json", HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, await devHost.StopAsync());

        Items = await fake.WaitForAsync(items => items.Any(i => i.MetricNames.Contains("zapi.callbacks.received")), Deadline, "the metrics flushed at shutdown");
        Raw = fake.Raw;
        Notified = [.. notify.Received.Select(n => n.GetRawText())];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> PostAsync(DevHostProcess devHost, string sample, HttpStatusCode expected)
    {
        using var response = await devHost.PostCallbackAsync(await File.ReadAllTextAsync(Path.Combine(Samples, sample)));
        Assert.Equal(expected, response.StatusCode);

        // The answer names its request, accepted or not (a problem's requestId extension).
        var requestId = (await response.Content.ReadFromJsonAsync<Answered>())!.RequestId;
        var kind = sample.StartsWith("errors/", StringComparison.Ordinal) ? "errored" : sample.StartsWith("invalid/", StringComparison.Ordinal) ? "refused" : "delivered";
        _calls.Add(new DevHostCall(kind, response.StatusCode, requestId));
        return response.IsSuccessStatusCode ? requestId : string.Empty;
    }

    private sealed record Answered(string RequestId);
}

/// <summary>One callback posted to the DevHost: its kind (delivered, errored, refused), the answer and its request id.</summary>
public sealed record DevHostCall(string Kind, HttpStatusCode Status, string RequestId);
