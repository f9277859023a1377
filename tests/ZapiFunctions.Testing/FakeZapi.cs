using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ZapiFunctions.Testing;

/// <summary>A real HTTP server on 127.0.0.1 playing Z-API (or any endpoint): records requests, answers as told.</summary>
public sealed class FakeZapi : IAsyncDisposable
{
    private LocalWebServer? _server;

    private FakeZapi()
    {
    }

    public Uri BaseAddress => _server!.BaseAddress;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The status and JSON body of the next answers.</summary>
    public (int Status, string Body) Answer { get; set; } = (200, """{"value":true}""");

    public string AnswerContentType { get; set; } = "application/json";

    public static async Task<FakeZapi> StartAsync()
    {
        var fake = new FakeZapi();
        fake._server = await LocalWebServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            fake.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            var (status, answer) = fake.Answer;
            context.Response.StatusCode = status;
            context.Response.ContentType = fake.AnswerContentType;
            await context.Response.WriteAsync(answer);
        }));
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
