using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Support;

/// <summary>The Core ingest handler on Kestrel (127.0.0.1, free port), wired exactly as a host wires it.</summary>
public sealed class IngestServer : IAsyncDisposable
{
    private readonly LocalWebServer _server;

    private IngestServer(LocalWebServer server)
    {
        _server = server;
        Endpoint = new Uri(server.BaseAddress, "api/" + IngestRoutes.OnSend);
    }

    public Uri Endpoint { get; }

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What the app logged, as records.</summary>
    public FakeLogCollector Logs => _server.Services.GetFakeLogCollector();

    public static async Task<IngestServer> StartAsync(string storageConnectionString, Dictionary<string, string?>? settings = null)
    {
        var server = await LocalWebServer.StartAsync(
            app => app.Map("/api/" + IngestRoutes.OnSend, (HttpContext context, OnSendHandler handler) =>
                handler.HandleAsync(context.Request, context.RequestAborted)),
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = storageConnectionString,
                    ["Zapi:EnqueueTimeout"] = "00:00:03",
                });
                if (settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                }

                builder.Services.AddZapiFunctions(builder.Configuration, TransportSecurity.Application);
                builder.Services.AddFakeLogging();
            });
        return new IngestServer(server);
    }

    public Task<HttpResponseMessage> PostAsync(string json, string contentType = "application/json") =>
        Client.PostAsync(Endpoint, new StringContent(json, System.Text.Encoding.UTF8, contentType));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
    }
}
