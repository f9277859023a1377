using System.Net;
using System.Net.Http.Json;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// What the DevHost, as a real process, exports to Application Insights: its APPLICATIONINSIGHTS_CONNECTION_STRING
/// points at a fake ingestion endpoint of the tests' own. One run (<see cref="DevHostTelemetryRun"/>) is shared; each
/// test asserts one property of what was posted.
/// </summary>
public sealed class DevHostTelemetryEndToEndTests(DevHostTelemetryRun run) : IClassFixture<DevHostTelemetryRun>
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
    public void No_full_phone_number_is_exported_anywhere()
    {
        ExportedTelemetry.AssertNoFullPhoneNumber(run.Items, run.Raw);
        Assert.Contains(run.Notified, n => n.Contains(ExportedTelemetry.Phone, StringComparison.Ordinal));
    }
}

/// <summary>
/// One run of the DevHost exporting to a fake Application Insights: start-up, two accepted callbacks (one errored,
/// processed and notified), one answered 503 with Azurite stopped, then a graceful stop, which flushes every signal
/// (the Azure Monitor exporter reads metrics once a minute, so the stop is what sends them here).
/// </summary>
public sealed class DevHostTelemetryRun : IAsyncLifetime
{
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
