using OpenTelemetry;
using OpenTelemetry.Metrics;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// The app's telemetry as in the Functions app (<see cref="TelemetryServiceCollectionExtensions.AddZapiTelemetry"/>:
/// everything to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set), plus what is the DevHost's
/// own: metrics on the console only with <c>--DevHost:ConsoleMetrics=true</c>, every
/// <c>DevHost:MetricsExportInterval</c> (default 1 minute) and once more at shutdown.
/// </summary>
internal static class DevHostTelemetry
{
    public static void AddDevHostTelemetry(this WebApplicationBuilder builder)
    {
        var consoleMetrics = builder.Configuration.GetValue("DevHost:ConsoleMetrics", false);
        var telemetry = builder.Services.AddZapiTelemetry(builder.Configuration, hostExports: consoleMetrics);
        if (consoleMetrics)
        {
            var exportInterval = builder.Configuration.GetValue("DevHost:MetricsExportInterval", TimeSpan.FromSeconds(60));

            // Dozens of lines per export: only on request.
            telemetry.WithMetrics(metrics => metrics.AddConsoleExporter((_, reader) =>
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportInterval.TotalMilliseconds));
        }
    }
}
