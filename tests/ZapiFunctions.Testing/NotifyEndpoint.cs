using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ZapiFunctions.Testing;

/// <summary>A real HTTP listener on 127.0.0.1 standing in for the team's notify endpoint.</summary>
public sealed class NotifyEndpoint : IAsyncDisposable
{
    private LocalWebServer? _server;

    private NotifyEndpoint()
    {
    }

    public Uri Url => new(_server!.BaseAddress, "hook");

    /// <summary>Status the endpoint answers with; 200 by default.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>Every body received, in order, including those answered with an error status.</summary>
    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>Every request's headers and body length, in the order of <see cref="Received"/>.</summary>
    public ConcurrentQueue<NotifyRequest> Requests { get; } = new();

    public static async Task<NotifyEndpoint> StartAsync()
    {
        var endpoint = new NotifyEndpoint();
        endpoint._server = await LocalWebServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            endpoint.Requests.Enqueue(new NotifyRequest(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.Length));
            using var body = JsonDocument.Parse(buffer.ToArray());
            endpoint.Received.Enqueue(body.RootElement.Clone());
            return Results.StatusCode(endpoint.Status);
        }));
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>What the notify endpoint saw of one request besides its JSON: headers as sent, and the body's length in bytes.</summary>
public sealed record NotifyRequest(IReadOnlyDictionary<string, string> Headers, long BodyLength);
