using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using ZapiFunctions.DevHost.Settings;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// Console logging that shows what a developer needs: the app's events (<c>ZapiFunctions*</c>, Information and
/// up), warnings and errors from everything else, and "Now listening on". ASP.NET Core's request logs and the
/// host's start-up chatter (environment, content root) show with <c>--verbose</c> (the Azure SDK's per-call logs
/// stay off: <c>Logging__LogLevel__Azure.Core=Information</c> shows them). These are defaults beneath
/// every configuration source, so <c>Logging__LogLevel__&lt;Category&gt;</c> and
/// <c>--Logging:LogLevel:Default=Debug</c> still decide.
/// </summary>
internal static class DevHostLogging
{
    /// <summary>The log levels in force unless configuration says otherwise.</summary>
    public static IReadOnlyDictionary<string, string?> DefaultLevels(bool verbose) => verbose
        ? new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:ZapiFunctions"] = "Debug",

            // Two lines per storage call, polls included: on request only (Logging__LogLevel__Azure.Core=Information).
            ["Logging:LogLevel:Azure.Core"] = "Warning",
        }
        : new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:ZapiFunctions"] = "Information",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",

            // "Hosting failed to start" repeats, with its stack trace, the failure DevHostApp reports in one line
            // (a taken port); a background service stopping the host is still logged (Critical).
            ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        };

    public static void AddDevHostLogging(this WebApplicationBuilder builder)
    {
        var verbose = builder.Configuration.GetValue<bool>(DevHostArguments.VerboseKey);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels(verbose) });
        if (verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        else
        {
            // The console logger's lines, written in batches (BatchedConsoleWriter) in place of the builder's console
            // logger; the provider is disposed, and so flushed, with the host.
            var consoles = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
            consoles.ForEach(d => builder.Services.Remove(d));
            builder.Services.AddSingleton<ILoggerProvider>(_ => new BatchedConsoleLoggerProvider());

            // "Application started", "Hosting environment", "Content root path", "Application is shutting down";
            // "Now listening on" comes from the web host and stays.
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }
    }
}
