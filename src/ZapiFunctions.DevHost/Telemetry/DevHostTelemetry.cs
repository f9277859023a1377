using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// OpenTelemetry for the DevHost: the <c>ZapiFunctions</c> source and meter (plus ASP.NET Core and HttpClient),
/// metrics to the console only with <c>--DevHost:ConsoleMetrics=true</c> (every <c>DevHost:MetricsExportInterval</c>,
/// default 1 minute), and everything to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
/// </summary>
internal static class DevHostTelemetry
{
    public static void AddDevHostTelemetry(this WebApplicationBuilder builder)
    {
        var consoleMetrics = builder.Configuration.GetValue("DevHost:ConsoleMetrics", false);
        var exportInterval = builder.Configuration.GetValue("DevHost:MetricsExportInterval", TimeSpan.FromSeconds(60));
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(ZapiTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ZapiTelemetry.Name).AddAspNetCoreInstrumentation();
                if (consoleMetrics)
                {
                    // Dozens of lines per export: only on request (--DevHost:ConsoleMetrics=true).
                    metrics.AddConsoleExporter((_, reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportInterval.TotalMilliseconds);
                }
            });

        var connectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var entra = builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (entra)
                {
                    // The Application Insights resource has local auth disabled: authenticate as the developer.
                    options.Credential = new DefaultAzureCredential();
                }
            });
        }
    }
}
