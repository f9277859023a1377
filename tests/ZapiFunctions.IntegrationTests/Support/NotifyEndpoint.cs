using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Support;

/// <summary>A real HTTP listener on 127.0.0.1 standing in for the team's notify endpoint.</summary>
public sealed class NotifyEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NotifyEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Status the endpoint answers with; 200 by default.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>Every body received, in order, including those answered with an error status.</summary>
    public ConcurrentQueue<JsonElement> Received { get; } = new();

    public static async Task<NotifyEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        NotifyEndpoint? endpoint = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body);
            endpoint!.Received.Enqueue(body.RootElement.Clone());
            return Results.StatusCode(endpoint.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        endpoint = new NotifyEndpoint(app, new Uri(new Uri(address), "/hook"));
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
