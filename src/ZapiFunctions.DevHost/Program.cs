using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.DevHost;
using ZapiFunctions.DevHost.Queues;
using ZapiFunctions.DevHost.Settings;
using ZapiFunctions.DevHost.Telemetry;

// The local stand-in for the Azure Functions runtime: same handler, same processor, same settings files.
args = DevHostArguments.Normalize(args); // --verbose
var builder = WebApplication.CreateSlimBuilder(args);

// Settings: local.settings.json "Values" (as func start reads them), then environment, then command line.
var settingsFile = DevHostPaths.SettingsFile(builder.Configuration["DevHost:SettingsFile"]);
var hostJson = DevHostPaths.HostJson(builder.Configuration["DevHost:HostJson"]);
builder.Configuration.Sources.Insert(0, new ConfigurationBuilder().AddLocalSettingsFile(settingsFile).Sources[0]);
DevHostUrls.Resolve(builder.Configuration).ApplyTo(builder.WebHost);
builder.AddDevHostLogging();
builder.AddDevHostTelemetry();

builder.Services.AddZapiIngest(builder.Configuration, TransportSecurity.Application);
builder.Services.AddZapiErroredSends(builder.Configuration);
var queueSettings = QueueTriggerSettings.Load(hostJson);
builder.Services.AddHostedService(sp => new QueueTriggerListener(
    sp.GetRequiredService<QueueServiceClient>(),
    sp.GetRequiredService<IOptions<ZapiOptions>>().Value.ErroredSendsQueue,
    queueSettings,
    async (message, ct) =>
    {
        await using var scope = sp.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(message.Body, message.DequeueCount, ct);
    },
    sp.GetRequiredService<ILogger<QueueTriggerListener>>()));

var app = builder.Build();
var startupLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ZapiFunctions.DevHost");
DevHostLog.Started(startupLogger, settingsFile, hostJson);

// Every method reaches the handler, which answers 405 itself, as under Functions.
app.Map("/api/" + IngestRoutes.OnSend, (HttpContext context, OnSendHandler handler) =>
    handler.HandleAsync(context.Request, context.RequestAborted));
app.MapDevHostHealth();

app.Run();
