using Azure.Storage.Queues;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.DevHost.Backlog;
using ZapiFunctions.DevHost.Fallback;
using ZapiFunctions.DevHost.Queues;
using ZapiFunctions.DevHost.Retention;
using ZapiFunctions.DevHost.Settings;
using ZapiFunctions.DevHost.Telemetry;

namespace ZapiFunctions.DevHost;

/// <summary>
/// The local stand-in for the Azure Functions runtime: same handler, same processor, same settings files.
/// Anything a user can get wrong (settings, files, the port) ends the process with one <c>error: …</c> line per
/// problem and a non-zero exit code, never a stack trace.
/// </summary>
internal static class DevHostApp
{
    /// <summary>Exit code when the DevHost could not start for a reason other than its settings (e.g. the port is taken).</summary>
    public const int CannotStart = 1;

    public static int Run(string[] args, TextWriter error)
    {
        try
        {
            var (app, settingsFile, hostJson, switchedOff) = Build(args);
            using (app)
            {
                if (StartupProblems.Report(app.Services, error))
                {
                    return StartupProblems.ExitCode;
                }

                var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ZapiFunctions.DevHost");
                DevHostLog.Started(logger, settingsFile, hostJson);
                if (switchedOff.Count > 0)
                {
                    var names = string.Join(", ", switchedOff);
                    DevHostLog.SwitchedOff(logger, names);
                }

                app.Run();
            }

            return 0;
        }
        catch (InvalidSettingsException ex)
        {
            StartupProblems.Report(ex.Problems, error);
            return StartupProblems.ExitCode;
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            error.WriteLine($"error: {ex.Message} Stop the other process, or choose another address with --urls (e.g. --urls http://127.0.0.1:7072).");
            return CannotStart;
        }
#pragma warning disable CA1031 // Last resort: whatever else stops start-up is still one line, not a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error.WriteLine($"error: the DevHost could not start: {ex.Message.Split('\n', 2)[0].Trim()} ({ex.GetType().Name})");
            return CannotStart;
        }
    }

    private static (WebApplication App, string SettingsFile, string HostJson, IReadOnlyList<string> SwitchedOff) Build(string[] args)
    {
        args = DevHostArguments.Normalize(args); // --verbose
        var builder = DevHostErrors.CreateBuilder(args); // always Production: never the developer exception page

        // Settings: local.settings.json "Values" (as func start reads them), then environment, then command line.
        var settingsFile = DevHostPaths.SettingsFile(builder.Configuration["DevHost:SettingsFile"]);
        var hostJson = DevHostPaths.HostJson(builder.Configuration["DevHost:HostJson"]);
        builder.Configuration.Sources.Insert(0, new ConfigurationBuilder().AddLocalSettingsFile(settingsFile).Sources[0]);
        DevHostUrls.Resolve(builder.Configuration).ApplyTo(builder.WebHost);
        builder.AddDevHostLogging();
        builder.AddDevHostTelemetry();

        builder.Services.AddDevHostErrors();
        builder.Services.AddZapiFunctions(builder.Configuration, DevHostTransport.From(builder.Configuration));
        // Each function of the Functions app runs here unless switched off as under the host (AzureWebJobs.<name>.Disabled).
        // Those switched off are named at start: a function that silently never runs looks like a bug.
        var switchedOff = new List<string>();
        bool On(string function)
        {
            if (!DisabledFunctions.IsDisabled(builder.Configuration, function))
            {
                return true;
            }

            switchedOff.Add(function);
            return false;
        }

        if (On("Backlog"))
        {
            builder.AddDevHostBacklog();
        }

        if (On("FallbackDrain"))
        {
            builder.Services.AddHostedService<FallbackDrainPoller>();
        }

        if (On("Retention"))
        {
            builder.AddDevHostRetention();
        }

        // The two queue triggers of the Functions app, with host.json's settings: ErroredSend, and DeadLetter on its
        // poison queue. Registered as IHostedService instances: AddHostedService would keep only one of the same type.
        var queueSettings = QueueTriggerSettings.Load(hostJson);
        if (On("ErroredSend"))
        {
            builder.Services.AddSingleton<IHostedService>(sp => new QueueTriggerListener(
                sp.GetRequiredService<QueueServiceClient>(),
                sp.GetRequiredService<IOptions<ZapiOptions>>().Value.ErroredSendsQueue,
                queueSettings,
                async (message, ct) =>
                {
                    // A scope per message, as the runtime gives each invocation.
                    await using var scope = sp.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(message.Body, message.DequeueCount, ct);
                },
                sp.GetRequiredService<ILogger<QueueTriggerListener>>()));
        }

        if (On("DeadLetter"))
        {
            builder.Services.AddSingleton<IHostedService>(sp => new QueueTriggerListener(
                sp.GetRequiredService<QueueServiceClient>(),
                sp.GetRequiredService<DeadLetterHandler>().PoisonQueueName,
                queueSettings,
                async (message, ct) => await sp.GetRequiredService<DeadLetterHandler>().HandleAsync(message.MessageId, message.Body, message.InsertedOn, ct),
                sp.GetRequiredService<ILogger<QueueTriggerListener>>()));
        }

        var app = builder.Build();
        app.UseDevHostErrors();

        // Every method reaches the handler, which answers 405 itself, as under Functions.
        if (On("OnSend"))
        {
            app.Map("/api/" + IngestRoutes.OnSend, (HttpContext context, OnSendHandler handler) =>
                handler.HandleAsync(context.Request, context.RequestAborted));
        }

        if (On("InstanceDelivery"))
        {
            app.Map("/api/" + IngestRoutes.InstanceDelivery, (HttpContext context, string instanceId, OnSendHandler handler) =>
                handler.HandleAsync(context.Request, instanceId, context.RequestAborted));
        }

        app.MapDevHostHealth();
        return (app, settingsFile, hostJson, switchedOff);
    }
}
