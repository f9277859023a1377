using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZapiFunctions.Testing;

/// <summary>
/// An Application Insights ingestion endpoint of the tests' own, on Kestrel at 127.0.0.1 and a free port: it
/// accepts what the Azure Monitor exporter posts to <c>{IngestionEndpoint}v2.1/track</c> (newline-delimited JSON
/// envelopes, gzip-compressed), keeps every envelope and answers 200 with every item accepted. Point an app at it
/// with <see cref="ConnectionString"/>.
/// </summary>
public sealed class FakeAppInsights : IAsyncDisposable
{
    /// <summary>The instrumentation key of <see cref="ConnectionString"/>: all zeros, not a real resource.</summary>
    public const string InstrumentationKey = "00000000-0000-0000-0000-000000000000";

    /// <summary>Names of this server's own ASP.NET Core activity source and diagnostic listener (see <see cref="StartAsync"/>).</summary>
    public const string OwnDiagnosticsName = "ZapiFunctions.Testing.FakeAppInsights";

    private readonly ConcurrentQueue<TelemetryEnvelope> _items = new();
    private readonly ConcurrentQueue<string> _payloads = new();
    private readonly ConcurrentQueue<string> _paths = new();
    private LocalWebServer? _server;

    private FakeAppInsights()
    {
    }

    /// <summary>A connection string that sends everything here.</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={_server!.BaseAddress}";

    /// <summary>Every envelope received so far, in order of arrival.</summary>
    public IReadOnlyList<TelemetryEnvelope> Items => [.. _items];

    /// <summary>Every request body received so far, decompressed, exactly as posted.</summary>
    public string Raw => string.Join('\n', _payloads);

    /// <summary>The path of every request received (the exporter's, e.g. <c>/v2.1/track</c>).</summary>
    public IReadOnlyList<string> Paths => [.. _paths];

    /// <summary>
    /// Starts the endpoint. Its Kestrel uses an activity source and diagnostic listener of its own name, so an app's
    /// ASP.NET Core instrumentation in the same process does not trace the exporter's own posts (which it would then
    /// export here again, without end).
    /// </summary>
    public static async Task<FakeAppInsights> StartAsync()
    {
        var fake = new FakeAppInsights();
        fake._server = await LocalWebServer.StartAsync(
            app => app.Map("/{**path}", (Delegate)fake.ReceiveAsync),
            builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(new ActivitySource(OwnDiagnosticsName)));
                builder.Services.Replace(ServiceDescriptor.Singleton(new DiagnosticListener(OwnDiagnosticsName)));
                builder.Services.Replace(ServiceDescriptor.Singleton<DiagnosticSource>(sp => sp.GetRequiredService<DiagnosticListener>()));
            });
        return fake;
    }

    /// <summary>Waits until the envelopes received satisfy <paramref name="done"/>, polling until <paramref name="deadline"/>.</summary>
    public Task<IReadOnlyList<TelemetryEnvelope>> WaitForAsync(
        Func<IReadOnlyList<TelemetryEnvelope>, bool> done, TimeSpan deadline, string what) =>
        Poll.UntilAsync(() => Task.FromResult(Items), done, deadline, what + " at the fake Application Insights");

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        _paths.Enqueue(context.Request.Path.Value ?? string.Empty);
        if (!HttpMethods.IsPost(context.Request.Method)
            || !(context.Request.Path.Value ?? string.Empty).EndsWith("/v2.1/track", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        var gzip = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        await using var decoded = gzip ? new GZipStream(body, CompressionMode.Decompress) : (Stream)body;
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        var payload = await reader.ReadToEndAsync(context.RequestAborted);
        _payloads.Enqueue(payload);

        var count = 0;
        foreach (var line in payload.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var json = JsonDocument.Parse(line);
            _items.Enqueue(new TelemetryEnvelope(json.RootElement.Clone()));
            count++;
        }

        return Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
    }
}

/// <summary>One Application Insights envelope as the exporter posted it, with accessors for what tests look at.</summary>
/// <param name="Json">The envelope (<c>name</c>, <c>time</c>, <c>iKey</c>, <c>tags</c>, <c>data</c>).</param>
public sealed record TelemetryEnvelope(JsonElement Json)
{
    /// <summary><c>data.baseType</c>: RequestData, RemoteDependencyData, MessageData, ExceptionData, MetricData, …</summary>
    public string BaseType => Json.TryGetProperty("data", out var data) && data.TryGetProperty("baseType", out var type)
        ? type.GetString() ?? string.Empty
        : string.Empty;

    /// <summary><c>data.baseData</c>.</summary>
    public JsonElement BaseData => Json.GetProperty("data").GetProperty("baseData");

    /// <summary>A string of <c>baseData</c>, or null.</summary>
    public string? Data(string name) => BaseData.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
        : null;

    /// <summary>A string of <c>baseData.properties</c> (span attributes, log state, metric dimensions), or null.</summary>
    public string? Property(string name) =>
        BaseData.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value)
            ? value.GetString()
            : null;

    /// <summary>A context tag (<c>ai.operation.id</c>, <c>ai.operation.parentId</c>, …), or null.</summary>
    public string? Tag(string name) =>
        Json.TryGetProperty("tags", out var tags) && tags.TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>The operation (trace) id.</summary>
    public string? OperationId => Tag("ai.operation.id");

    /// <summary>The parent span id.</summary>
    public string? ParentId => Tag("ai.operation.parentId");

    /// <summary>The names of the metrics in a MetricData envelope.</summary>
    public IEnumerable<string> MetricNames => BaseType == "MetricData"
        ? BaseData.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString() ?? string.Empty)
        : [];

    public override string ToString() => Json.GetRawText();
}
