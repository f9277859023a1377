using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// The app's telemetry, registered once for every host: the Functions app adds only the worker's defaults
/// (<c>UseFunctionsWorkerDefaults</c>), the DevHost only its console metrics.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The setting that turns export to Application Insights on (the name every Azure tool uses).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Configuration section bound onto the exporter's options, e.g. <c>AzureMonitorExporter__EnableLiveMetrics=false</c>.</summary>
    public const string ExporterSection = "AzureMonitorExporter";

    /// <summary>
    /// Adds OpenTelemetry traces (the <c>ZapiFunctions</c> source, ASP.NET Core and HttpClient), metrics (the
    /// <c>ZapiFunctions</c> meter and ASP.NET Core's) and logs (the OpenTelemetry logging provider, so start-up
    /// warnings of hosted services are exported too), with the default log levels of <see cref="DefaultLevels"/>.
    /// When <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, all three go to Application Insights with the Azure
    /// Monitor exporter, authenticated as <see cref="ApplicationInsightsAuthentication"/> says. Returns the builder
    /// so a host can add what is its own.
    /// <para>
    /// With nothing to export to (no connection string, and <paramref name="hostExports"/> false) the trace and metric
    /// pipelines are not built at all: the SDK would otherwise still start, tag and sample an activity for every request and every
    /// storage call and aggregate every measurement, for nobody. Measured on the DevHost as a large share of its CPU
    /// per callback (bench/README.md, "Ingest"). A host that exports on its own (the DevHost's console metrics)
    /// passes <paramref name="hostExports"/> true.
    /// </para>
    /// </summary>
    public static IOpenTelemetryBuilder AddZapiTelemetry(this IServiceCollection services, IConfiguration configuration, bool hostExports = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<LoggerFilterOptions>(DefaultLevels);

        var connectionString = configuration[ConnectionStringSetting];
        var exportsToAzure = !string.IsNullOrWhiteSpace(connectionString);
        // Logging always: a log record costs the provider nothing while no processor exports it.
        var telemetry = services.AddOpenTelemetry().WithLogging();
        if (!exportsToAzure && !hostExports)
        {
            return telemetry;
        }

        telemetry
            .WithTracing(tracing => tracing
                .AddSource(ZapiTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(ZapiTelemetry.Name)
                .AddAspNetCoreInstrumentation());

        if (exportsToAzure)
        {
            var authentication = ApplicationInsightsAuthentication.Parse(configuration[ApplicationInsightsAuthentication.Setting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                // Offline storage, live metrics, … may be set under AzureMonitorExporter; sampling may not (below).
                configuration.GetSection(ExporterSection).Bind(options);
                options.ConnectionString = connectionString;
                options.Credential = authentication.Credential();

                // Keep every trace: one ingest request, its queue write and its processing are one trace per
                // callback, and a sampled-out callback would leave an alert or an investigation without its trace.
                // The exporter otherwise may rate-limit (TracesPerSecond wins over SamplingRatio when set).
                options.SamplingRatio = 1.0F;
                options.TracesPerSecond = null;
            });
        }

        return telemetry;
    }

    /// <summary>
    /// The app's own categories (<c>ZapiFunctions*</c>) at Information, everything else at Warning: one line per
    /// callback and no per-request framework chatter. These rules are placed before any from configuration, so
    /// <c>Logging__LogLevel__&lt;Category&gt;</c> (or <c>Logging__LogLevel__Default</c>) still decides.
    /// </summary>
    public static void DefaultLevels(LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // MinLevel applies only where no rule matches; a rule of equal precision added later wins, so configuration's.
        options.MinLevel = LogLevel.Warning;
        options.Rules.Insert(0, new LoggerFilterRule(null, ZapiTelemetry.Name, LogLevel.Information, null));
    }
}
