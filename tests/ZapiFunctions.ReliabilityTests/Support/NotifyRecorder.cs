using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// The team's notify endpoint, as a real Kestrel server on 127.0.0.1 (like IntegrationTests' NotifyEndpoint), that
/// records each call's messageId and when it arrived, and can take its time to answer (as a real endpoint does), so
/// faults land while notifications are in flight.
/// </summary>
public sealed class NotifyRecorder : IAsyncDisposable
{
    private LocalWebServer? _server;

    private NotifyRecorder()
    {
    }

    public Uri Url => new(_server!.BaseAddress, "hook");

    /// <summary>How long each call waits before its 200.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Every call, in arrival order: the messageId and <see cref="Stopwatch.GetTimestamp"/> on arrival.</summary>
    public ConcurrentQueue<(string MessageId, long At)> Calls { get; } = new();

    public static async Task<NotifyRecorder> StartAsync()
    {
        var recorder = new NotifyRecorder();
        recorder._server = await LocalWebServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            recorder.Calls.Enqueue((body.RootElement.GetProperty("messageId").GetString()!, Stopwatch.GetTimestamp()));
            if (recorder.Latency > TimeSpan.Zero)
            {
                await Task.Delay(recorder.Latency, context.RequestAborted); // the endpoint's own latency
            }

            return Results.Ok();
        }));
        return recorder;
    }

    /// <summary>Calls per messageId.</summary>
    public IReadOnlyDictionary<string, int> PerMessage() =>
        Calls.GroupBy(c => c.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
