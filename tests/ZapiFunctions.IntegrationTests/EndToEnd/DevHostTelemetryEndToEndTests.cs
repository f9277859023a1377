using System.Net;
using System.Net.Http.Json;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.EndToEnd;

/// <summary>
/// What the DevHost, as a real process, exports to Application Insights: its APPLICATIONINSIGHTS_CONNECTION_STRING
/// points at a fake ingestion endpoint of the tests' own. One run (<see cref="DevHostTelemetryRun"/>) is shared; each
/// test asserts one property of what was posted.
/// </summary>
public sealed class DevHostTelemetryEndToEndTests(DevHostTelemetryRun run) : IClassFixture<DevHostTelemetryRun>
{
    [Fact]
    public void The_start_up_warning_of_an_empty_allow_list_is_exported_as_a_warning_log()
    {
        var log = Assert.Single(run.Items, i => i.BaseType == "MessageData"
            && i.Data("message")!.StartsWith("Zapi__AllowedInstanceIds is empty", StringComparison.Ordinal));

        Assert.Equal("Warning", log.Data("severityLevel"));
        Assert.Equal("ZapiFunctions.Core.Configuration.IngestStartupReport", log.Property("CategoryName"));
    }

    [Fact]
    public void Each_ingest_request_is_a_request_with_its_result_code_and_the_503_one_is_failed()
    {
        var requests = run.Items.Where(i => i.BaseType == "RequestData" && (i.Data("url") ?? string.Empty).EndsWith("/api/zapi/on-send", StringComparison.Ordinal)).ToList();

        Assert.Equal(["200", "200", "503"], requests.Select(r => r.Data("responseCode")).Order());
        Assert.All(requests, r => Assert.Equal(r.Data("responseCode") == "200" ? "true" : "false", r.Data("success")));
        Assert.All(requests, r => Assert.Equal("POST /api/zapi/on-send", r.Data("name")));
        var unavailable = Assert.Single(run.Items, i => i.Data("name") == "zapi.ingest" && i.Property("zapi.outcome") == "unavailable");
        Assert.Equal("false", unavailable.Data("success"));
        Assert.Equal(requests.Single(r => r.Data("responseCode") == "503").Data("id"), unavailable.ParentId);
    }

    [Fact]
    public void The_app_metrics_are_exported_with_their_dimensions()
    {
        var metrics = run.Items.Where(i => i.BaseType == "MetricData").ToList();

        Assert.Contains(metrics, m => m.MetricNames.Contains("zapi.callbacks.received") && m.Property("outcome") == "enqueued" && m.Property("reason") == "delivered");
        Assert.Contains(metrics, m => m.MetricNames.Contains("zapi.callbacks.received") && m.Property("outcome") == "unavailable" && m.Property("reason") == "queue-unavailable");
        Assert.Contains(metrics, m => m.MetricNames.Contains("zapi.enqueue.duration") && m.Property("queue") == "zapi-deliveries" && m.Property("outcome") == "failed");
        Assert.Contains(metrics, m => m.MetricNames.Contains("zapi.errored_sends") && m.Property("category") == "invalid-number");
    }

    [Fact]
    public void Errored_send_processing_is_in_its_ingest_requests_trace_with_the_notification_as_child()
    {
        var ingest = Assert.Single(run.Items, i => i.Data("name") == "zapi.ingest" && i.Property("zapi.request_id") == run.ErroredRequestId);
        var request = Assert.Single(run.Items, i => i.BaseType == "RequestData" && i.Data("id") == ingest.ParentId);
        var processing = Assert.Single(run.Items, i => i.BaseType == "RequestData" && i.Data("name") == "zapi.errored_send");

        Assert.Equal("POST /api/zapi/on-send", request.Data("name"));
        Assert.Equal(run.ErroredRequestId, processing.Property("zapi.request_id"));
        Assert.Equal(request.OperationId, processing.OperationId);
        Assert.Equal(ingest.Data("id"), processing.ParentId);
        Assert.Equal("invalid-number", processing.Property("zapi.error.category"));

        var notify = Assert.Single(run.Items, i => i.BaseType == "RemoteDependencyData" && (i.Data("data") ?? string.Empty).EndsWith("/hook", StringComparison.Ordinal));
        Assert.Equal(processing.Data("id"), notify.ParentId);
        Assert.Equal(request.OperationId, notify.OperationId);
    }

    [Fact]
    public void No_full_phone_number_is_exported_anywhere()
    {
        Assert.Contains(run.Items, i => i.BaseType == "MessageData" && i.Data("message")!.Contains(DevHostTelemetryRun.MaskedPhone, StringComparison.Ordinal));
        Assert.Contains(run.Notified, n => n.Contains(DevHostTelemetryRun.Phone, StringComparison.Ordinal));
        Assert.DoesNotContain(DevHostTelemetryRun.Phone, run.Raw, StringComparison.Ordinal);
        Assert.DoesNotContain(DevHostTelemetryRun.Phone[2..], run.Raw, StringComparison.Ordinal);
    }
}

/// <summary>
/// One run of the DevHost exporting to a fake Application Insights: start-up, two accepted callbacks (one errored,
/// processed and notified), one answered 503 with Azurite stopped, then a graceful stop, which flushes every signal
/// (the Azure Monitor exporter reads metrics once a minute, so the stop is what sends them here).
/// </summary>
public sealed class DevHostTelemetryRun : IAsyncLifetime
{
    /// <summary>The sample callbacks' phone number, and how logs may show it.</summary>
    public const string Phone = "5511987654321";

    public const string MaskedPhone = "55*******4321";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string Samples = Path.Combine(RepositoryRoot.Path, "samples", "callbacks");

    public IReadOnlyList<TelemetryEnvelope> Items { get; private set; } = [];

    public string Raw { get; private set; } = string.Empty;

    public string ErroredRequestId { get; private set; } = string.Empty;

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

    private static async Task<string> PostAsync(DevHostProcess devHost, string sample, HttpStatusCode expected)
    {
        using var response = await devHost.PostCallbackAsync(await File.ReadAllTextAsync(Path.Combine(Samples, sample)));
        Assert.Equal(expected, response.StatusCode);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Accepted>())!.RequestId : string.Empty;
    }

    private sealed record Accepted(string Status, string RequestId);
}
