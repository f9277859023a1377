using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Support;

/// <summary>The Core ingest handler on Kestrel (127.0.0.1, free port), wired exactly as a host wires it.</summary>
public sealed class IngestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
        Client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Endpoint { get; }

    public HttpClient Client { get; }

    public static async Task<IngestServer> StartAsync(string storageConnectionString, Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Zapi:EnqueueTimeout"] = "00:00:03",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddZapiIngest(builder.Configuration, TransportSecurity.Application);
        var app = builder.Build();
        app.Map("/api/zapi/on-send", (HttpContext context, OnSendHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return new IngestServer(app, new Uri(new Uri(address), "/api/zapi/on-send"));
    }

    public Task<HttpResponseMessage> PostAsync(string json, string contentType = "application/json") =>
        Client.PostAsync(Endpoint, new StringContent(json, System.Text.Encoding.UTF8, contentType));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
