using System.Diagnostics;
using Azure.Storage.Queues;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// The ceilings of the ingest bench, each its own process (as the DevHost is): (a) Kestrel reading the body and
/// answering 200, (b) the same plus one <see cref="QueueClient.SendMessageAsync(BinaryData, TimeSpan?, TimeSpan?, CancellationToken)"/>
/// per request on one shared client (Base64, as the app), and nothing else: no validation, logging or telemetry; the
/// message is the bare body, or with <c>--envelope true</c> what the app writes (its envelope, trace parent and
/// time-to-live), sent from inside the request's activity as the app's is (<c>--traced false</c>: outside any); with
/// <c>--handler true</c>, the app's own handler and storage client in place of that one call.
/// </summary>
internal static class Servers
{
    public static async Task<int> RunBareAsync(Options options)
    {
        var app = Build(options);
        app.MapPost("/api/zapi/on-send", async (HttpContext context) =>
        {
            await ReadBodyAsync(context.Request);
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> RunCeilingAsync(Options options)
    {
        var queue = new QueueClient(
            options.Get("storage") ?? throw new ArgumentException("--storage <connection string> is required"),
            options.Get("queue", "zapi-deliveries"),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        // --envelope true: the storage call the app makes rather than a write of the bare body. The app's envelope
        // (EnvelopeWriter) around the callback's bytes, with the trace parent the app always writes (a W3C id, 55
        // characters: the link from processing back to ingest), and the deliveries queue's default time-to-live
        // (never expire: messagettl=-1), so that the emulator parses and stores for it what it does for the app.
        var envelope = options.Get("envelope") == "true";
        var traced = options.Get("traced", envelope ? "true" : "false") == "true";
        var app = Build(options);
        if (options.Get("handler") == "true")
        {
            // The app's own handler and storage client (AddZapiFunctions), in this bare Kestrel: no DevHost around it, no
            // logging provider, no hosted service (the container is not a host, so nothing starts).
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [StorageConnection.SettingName] = options.Get("storage") })
                .Build();
            var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
            services.AddZapiFunctions(configuration, TransportSecurity.Platform);
            var handler = services.BuildServiceProvider().GetRequiredService<OnSendHandler>();
            app.Map("/api/zapi/on-send", async (HttpContext context, CancellationToken cancellationToken) =>
            {
                // The request's activity, as the ceiling's below and the app's under either host.
                using var activity = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
                return await handler.HandleAsync(context.Request, cancellationToken);
            });
            await app.RunAsync();
            return 0;
        }

        app.MapPost("/api/zapi/on-send", async (HttpContext context) =>
        {
            var body = await ReadBodyAsync(context.Request);
            var (message, timeToLive) = envelope
                ? (EnvelopeWriter.Write(DateTimeOffset.UtcNow, Guid.CreateVersion7().ToString("N"), ZapiTelemetry.TraceParent(null), body.Span), QueueTimeToLive.NeverInSdk)
                : (new BinaryData(body), (TimeSpan?)null);
            // The request's activity, as the app's call runs in one: ASP.NET Core starts one for every request whenever
            // logging is on (DevHost and Functions worker alike), so the SDK sends a traceparent header. No listener, as there.
            using var activity = traced ? new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start() : null;
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: timeToLive, context.RequestAborted);
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// A stand-in for Application Insights' ingestion endpoint: accepts every batch the Azure Monitor exporter posts
    /// (JSON lines, gzip'd or not) and answers as the service does, counting items by kind and their bytes (as posted,
    /// and as JSON); nothing else is kept. <c>GET /stats</c> returns the counts.
    /// </summary>
    public static async Task<int> RunIngestionAsync(Options options)
    {
        var app = Build(options);
        var counts = new IngestionCounts();
        app.MapPost("/v2.1/track", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var items = counts.Add(body.ToArray(), context.Request.Headers.ContentEncoding.ToString());
            return Results.Json(new { itemsReceived = items, itemsAccepted = items, errors = Array.Empty<object>() });
        });
        app.MapGet("/stats", () => Results.Json(counts.Snapshot()));
        await app.RunAsync();
        return 0;
    }

    private static WebApplication Build(Options options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Get("urls") ?? throw new ArgumentException("--urls is required"));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());
        return app;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 1024));
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
