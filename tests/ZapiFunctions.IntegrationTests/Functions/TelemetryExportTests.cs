using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Functions;

/// <summary>
/// What the Functions app itself exports, built in-process exactly as <c>Program.cs</c> builds it
/// (<see cref="ZapiFunctionsApp.Configure"/>), against Azurite and a fake Application Insights endpoint. One run
/// (<see cref="FunctionsTelemetryRun"/>) is shared; each test asserts one property of what was posted.
/// </summary>
[Collection(TelemetryExportRunsAlone.Name)]
public sealed class TelemetryExportTests(FunctionsTelemetryRun run, ITestOutputHelper output) : IClassFixture<FunctionsTelemetryRun>
{
    [Fact]
    public void The_start_up_warning_of_an_empty_allow_list_is_exported_as_a_warning_log() =>
        ExportedTelemetry.AssertStartUpWarningOfAnEmptyAllowList(run.Items);

    [Fact]
    public void The_workers_ASP_NET_Core_server_span_is_not_exported_as_a_request() =>
        Assert.Empty(ExportedTelemetry.IngestRequests(run.Items));

    [Fact]
    public void Each_callbacks_zapi_ingest_is_in_the_hosts_operation_under_the_invocation_and_the_503_one_is_failed()
    {
        var spans = ExportedTelemetry.IngestSpans(run.Items).ToList();

        Assert.Equal(run.Calls.Count, spans.Count);
        foreach (var call in run.Calls)
        {
            var span = Assert.Single(spans, s => s.OperationId == call.HostTraceId);
            Assert.Equal(call.InvocationSpanId, span.ParentId);
            Assert.Equal(
                call.Status switch { HttpStatusCode.OK => "enqueued", HttpStatusCode.ServiceUnavailable => "unavailable", _ => "rejected" },
                span.Property("zapi.outcome"));

            // A refusal is the sender's mistake, not a failure of ours; the 503 is.
            Assert.Equal(call.Status == HttpStatusCode.ServiceUnavailable ? "false" : "true", span.Data("success"));
        }
    }

    [Fact]
    public void The_app_metrics_are_exported_with_their_dimensions()
    {
        ExportedTelemetry.AssertAppMetrics(run.Items);
        ExportedTelemetry.AssertMetric(run.Items, "zapi.callbacks.received", ("outcome", "enqueued"), ("reason", "errored"));
        ExportedTelemetry.AssertMetric(run.Items, "zapi.enqueue.duration", ("queue", "zapi-errored-sends"));
    }

    [Fact]
    public void Errored_send_processing_is_in_its_callbacks_trace_linked_to_its_invocation_with_the_notification_as_child()
    {
        var (ingest, processing, notify) = ExportedTelemetry.AssertErroredSendTrace(run.Items, run.ErroredRequestId);

        Assert.Equal(run.Calls[0].HostTraceId, ingest.OperationId);
        Assert.Equal("true", processing.Data("success"));
        Assert.Contains(run.InvocationSpanId, processing.Property("_MS.links"), StringComparison.Ordinal);
        Assert.Contains(run.InvocationTraceId, processing.Property("_MS.links"), StringComparison.Ordinal);
        Assert.Equal("200", notify.Data("resultCode"));
    }

    [Fact]
    public void A_delivered_callback_exports_one_item_its_zapi_ingest_span_and_an_errored_refused_or_failed_one_keeps_its_detail()
    {
        var delivered = Assert.Single(run.Calls, c => c.Kind == "delivered" && c.Status == HttpStatusCode.OK);
        var errored = Assert.Single(run.Calls, c => c.Kind == "errored");
        var refused = Assert.Single(run.Calls, c => c.Kind == "refused");
        var failed = Assert.Single(run.Calls, c => c.Status == HttpStatusCode.ServiceUnavailable);

        var only = Assert.Single(Operation(delivered));
        Assert.Equal("zapi.ingest", only.Data("name"));
        Assert.NotNull(only.Property("zapi.message_id"));
        Assert.NotNull(only.Property("zapi.instance_id"));

        // The errored callback: its ingest span, its queue write and the worker's invocation around them (and its
        // processing, in the same trace); the 503: the same, the failed write included.
        Assert.Contains(Operation(errored), i => i.BaseType == "RemoteDependencyData" && i.Data("name") != "zapi.ingest");
        Assert.True(Operation(errored).Count() >= 3, string.Join('\n', Operation(errored)));
        Assert.Contains(Operation(failed), i => i.BaseType == "RemoteDependencyData" && i.Data("success") == "false" && i.Data("name") != "zapi.ingest");

        // The refusal: its span and the warning that says why.
        Assert.Contains(Operation(refused), i => i.Data("name") == "zapi.ingest" && i.Property("zapi.reason") == "unexpected-type");
        Assert.Contains(Operation(refused), i => i.BaseType == "MessageData" && i.Data("severityLevel") == "Warning");

        // The figures bench/README.md quotes (Telemetry budget): items and bytes of their JSON, as posted before gzip.
        foreach (var (name, call) in new[] { ("delivered", delivered), ("errored", errored), ("refused (422)", refused), ("503", failed) })
        {
            var items = Operation(call).ToList();
            output.WriteLine(FormattableString.Invariant(
                $"telemetry budget {name}: items={items.Count} bytes={items.Sum(i => System.Text.Encoding.UTF8.GetByteCount(i.Json.GetRawText()))} kinds={string.Join(',', items.Select(i => i.BaseType).Order(StringComparer.Ordinal))}"));
        }
    }

    [Fact]
    public void No_full_phone_number_is_exported_anywhere() => ExportedTelemetry.AssertNoFullPhoneNumber(run.Items, run.Raw);

    /// <summary>What was exported in the operation (trace) of <paramref name="call"/>, metrics aside.</summary>
    private IEnumerable<TelemetryEnvelope> Operation(IngestCall call) =>
        run.Items.Where(i => i.OperationId == call.HostTraceId && i.BaseType != "MetricData");
}

/// <summary>What the Functions app exports with <c>Zapi__TraceSamplingRatio=0</c>, the same run otherwise.</summary>
[Collection(TelemetryExportRunsAlone.Name)]
public sealed class SampledOutTelemetryExportTests(SampledOutTelemetryRun run) : IClassFixture<SampledOutTelemetryRun>
{
    [Fact]
    public void With_a_ratio_of_zero_no_span_nor_log_of_a_callback_is_exported_and_the_metrics_and_start_up_logs_still_are()
    {
        Assert.DoesNotContain(run.Items, i => i.BaseType is "RequestData" or "RemoteDependencyData");

        // The exporter's trace-based log sampling (EnableTraceBasedLogsSampler, on by default) drops the logs written
        // under a sampled-out trace too: the errored send's warning and the 503's exceptions, exported in the full run.
        Assert.DoesNotContain(run.Items, i => i.BaseType != "MetricData" && !string.IsNullOrEmpty(i.OperationId));
        ExportedTelemetry.AssertStartUpWarningOfAnEmptyAllowList(run.Items);

        ExportedTelemetry.AssertAppMetrics(run.Items);
        ExportedTelemetry.AssertMetric(run.Items, "zapi.callbacks.received", ("outcome", "enqueued"), ("reason", "errored"));
    }
}

/// <summary>
/// One run of the Functions app's own service configuration: start-up, two accepted callbacks (one errored, processed
/// and notified), one refused (another webhook type, 422), one answered 503 with storage down, then every provider shut
/// down.
/// The worker serves HTTP triggers from its own Kestrel (ASP.NET Core integration); a loopback Kestrel on ASP.NET Core's
/// default activity source stands in for it here and calls <see cref="OnSendFunction"/>. The function runs in the
/// worker's invocation activity (source <c>Microsoft.Azure.Functions.Worker</c>, parent the trace context the host
/// sends with the invocation), started the same way around <see cref="OnSendFunction"/>, with a trace context of the
/// test's own standing in for the host's, and around <see cref="ErroredSendFunction"/>.
/// </summary>
public class FunctionsTelemetryRun : IAsyncLifetime
{
    // Stands in for the trace context the host sends with each invocation (over gRPC, not on the HTTP request).
    private const string HostTraceParentHeader = "X-Test-Host-TraceParent";
    private const string InvocationSpanIdHeader = "X-Test-Invocation-SpanId";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string Samples = Path.Combine(RepositoryRoot.Path, "samples", "callbacks");

    private static readonly ActivitySource WorkerSource = new("Microsoft.Azure.Functions.Worker");

    private readonly List<IngestCall> _calls = [];

    public IReadOnlyList<TelemetryEnvelope> Items { get; private set; } = [];

    public string Raw { get; private set; } = string.Empty;

    public string ErroredRequestId { get; private set; } = string.Empty;

    public string InvocationTraceId { get; private set; } = string.Empty;

    public string InvocationSpanId { get; private set; } = string.Empty;

    /// <summary>The callbacks posted, in order: the host's trace id, the invocation's span id, the answer.</summary>
    public IReadOnlyList<IngestCall> Calls => _calls;

    public async Task InitializeAsync()
    {
        // The exporter's own usage statistics would go to Microsoft's endpoints: never from a test.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "true");

        await using var azurite = await Azurite.StartAsync();
        await using var fake = await FakeAppInsights.StartAsync();
        await using var notify = await LocalWebServer.StartAsync(app => app.MapPost("/hook", () => Results.Ok()));

        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Zapi:NotifyUrl"] = new Uri(notify.BaseAddress, "hook").ToString(),
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = fake.ConnectionString,
            ["AzureMonitorExporter:EnableLiveMetrics"] = "false",
            ["AzureMonitorExporter:DisableOfflineStorage"] = "true",

            // Read when the worker's gRPC services are constructed (resolving the hosted services); never connected to.
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
        }.Concat(Settings));
        using var host = ZapiFunctionsApp.Configure(builder).Build();
        Assert.Empty(StartupProblems.Find(host.Services));

        // The hosted services that export or log at start-up; not the worker's gRPC channel to a Functions host.
        var started = host.Services.GetServices<IHostedService>()
            .Where(s => s.GetType().Assembly.GetName().Name is { } name
                && (name.StartsWith("OpenTelemetry", StringComparison.Ordinal) || name.StartsWith("Azure.Monitor", StringComparison.Ordinal) || name.StartsWith("ZapiFunctions", StringComparison.Ordinal)))
            .ToList();
        foreach (var service in started)
        {
            await service.StartAsync(CancellationToken.None);
        }

        await using (var worker = await LocalWebServer.StartAsync(app => app.Map("/api/zapi/on-send", async (HttpContext context) =>
        {
            using var invocation = WorkerSource.StartActivity("Invoke", ActivityKind.Internal, context.Request.Headers[HostTraceParentHeader].ToString());
            Assert.NotNull(invocation);
            context.Response.Headers[InvocationSpanIdHeader] = invocation.SpanId.ToHexString();
            var function = ActivatorUtilities.CreateInstance<OnSendFunction>(host.Services);
            var result = await function.RunAsync(context.Request, context.RequestAborted);
            await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        })))
        {
            using var client = new HttpClient { BaseAddress = worker.BaseAddress };
            ErroredRequestId = await PostAsync(client, "errors/10-phone-number-does-not-exist.json", HttpStatusCode.OK);
            await PostAsync(client, "delivered.json", HttpStatusCode.OK);
            await PostAsync(client, "invalid/received-callback-type.json", HttpStatusCode.UnprocessableEntity);

            QueueMessage message = Assert.Single((await azurite.Queue("zapi-errored-sends").ReceiveMessagesAsync(32)).Value);
            using (var invocation = WorkerSource.StartActivity("Invoke"))
            {
                Assert.NotNull(invocation); // UseFunctionsWorkerDefaults subscribed the worker's source.
                InvocationTraceId = invocation.TraceId.ToHexString();
                InvocationSpanId = invocation.SpanId.ToHexString();
                await using var scope = host.Services.CreateAsyncScope();
                await ActivatorUtilities.CreateInstance<ErroredSendFunction>(scope.ServiceProvider).RunAsync(message, CancellationToken.None);
            }

            await azurite.StopAsync();
            await PostAsync(client, "delivered.json", HttpStatusCode.ServiceUnavailable);
        }

        // Shut down, not force-flushed: a batch processor's ForceFlush returns as soon as its buffer is empty, so while
        // a scheduled export (every 5 s) is still posting, it returns true with that post in flight. Shutdown joins
        // the export thread, so every post has been answered when it returns.
        Assert.True(host.Services.GetRequiredService<TracerProvider>().Shutdown());
        Assert.True(host.Services.GetRequiredService<MeterProvider>().Shutdown());
        Assert.True(host.Services.GetRequiredService<LoggerProvider>().Shutdown());
        Items = await fake.WaitForAsync(Exported, Deadline, "the spans, the logs and the metrics");
        Raw = fake.Raw;

        foreach (var service in Enumerable.Reverse(started))
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Settings of the run's own, beside (or over) the common ones.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    /// <summary>Whether everything the run waits for has been exported.</summary>
    protected virtual bool Exported(IReadOnlyList<TelemetryEnvelope> items) =>
        items.Any(i => i.Data("name") == "zapi.errored_send")
        && ExportedTelemetry.IngestSpans(items).Count() == 4
        && items.Any(i => i.MetricNames.Contains("zapi.errored_sends"))
        && items.Any(ExportedTelemetry.IsStartUpWarningOfAnEmptyAllowList)
        && items.Any(ExportedTelemetry.IsLogWithTheMaskedPhone);

    private async Task<string> PostAsync(HttpClient client, string sample, HttpStatusCode expected)
    {
        var hostTraceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/zapi/on-send", UriKind.Relative))
        {
            Content = new StringContent(await File.ReadAllTextAsync(Path.Combine(Samples, sample)), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(HostTraceParentHeader, $"00-{hostTraceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        _calls.Add(new IngestCall(hostTraceId.ToHexString(), response.Headers.GetValues(InvocationSpanIdHeader).Single(), response.StatusCode, KindOf(sample)));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Accepted>())!.RequestId : string.Empty;
    }

    private static string KindOf(string sample) =>
        sample.StartsWith("errors/", StringComparison.Ordinal) ? "errored"
        : sample.StartsWith("invalid/", StringComparison.Ordinal) ? "refused"
        : "delivered";

    private sealed record Accepted(string Status, string RequestId);
}

/// <summary>
/// The same run with <c>Zapi__TraceSamplingRatio=0</c>: every trace sampled out. It waits for the metrics and the
/// start-up warning, which the providers flush after the traces.
/// </summary>
public sealed class SampledOutTelemetryRun : FunctionsTelemetryRun
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Zapi:TraceSamplingRatio", "0")];

    protected override bool Exported(IReadOnlyList<TelemetryEnvelope> items) =>
        items.Any(i => i.MetricNames.Contains("zapi.errored_sends"))
        && items.Any(ExportedTelemetry.IsStartUpWarningOfAnEmptyAllowList);
}

/// <summary>One callback posted: the trace id of the host's request, the worker invocation's span id, the answer.</summary>
public sealed record IngestCall(string HostTraceId, string InvocationSpanId, HttpStatusCode Status, string Kind);
