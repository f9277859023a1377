using System.Globalization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// The app's telemetry, registered once for every host: the Functions app adds only the worker's defaults
/// (<c>UseFunctionsWorkerDefaults</c>) and leaves the requests to the Functions host, the DevHost only its console metrics.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The setting that turns export to Application Insights on (the name every Azure tool uses).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Configuration section bound onto the exporter's options, e.g. <c>AzureMonitorExporter__EnableLiveMetrics=false</c>.</summary>
    public const string ExporterSection = "AzureMonitorExporter";

    /// <summary>
    /// Adds OpenTelemetry traces (the <c>ZapiFunctions</c> source, HttpClient and ASP.NET Core), metrics (the
    /// <c>ZapiFunctions</c> meter) and logs (the OpenTelemetry logging provider, so start-up
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
    /// <para>
    /// <paramref name="serverSpans"/> false leaves ASP.NET Core's server spans untraced, for a host behind another
    /// that already records each request: the Functions host's request is the one with every status code (401s never
    /// reach the worker), and the worker's server span would be the same request a second time in the same operation.
    /// The app's own activities still join the host's trace: under the Functions worker they run in its invocation
    /// activity, which carries the host's trace context.
    /// </para>
    /// </summary>
    public static IOpenTelemetryBuilder AddZapiTelemetry(this IServiceCollection services, IConfiguration configuration, bool hostExports = false, bool serverSpans = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<LoggerFilterOptions>(DefaultLevels);

        // Read here rather than from the options: the pipelines are built before the options are; a value that is not
        // valid is reported by the options' start-up validation, and means the default meanwhile (the budget, every trace).
        var full = bool.TryParse(configuration[$"{ZapiOptions.SectionName}:{nameof(ZapiOptions.FullTelemetry)}"], out var fullTelemetry) && fullTelemetry;
        var ratio = double.TryParse(configuration[$"{ZapiOptions.SectionName}:{nameof(ZapiOptions.TraceSamplingRatio)}"], NumberStyles.Float, CultureInfo.InvariantCulture, out var traceSamplingRatio)
            && traceSamplingRatio is >= 0 and <= 1
                ? traceSamplingRatio
                : 1.0;
        if (!full)
        {
            // The per-callback line of a delivered callback (Information) stays on the console, out of the export.
            services.Configure<LoggerFilterOptions>(options => options.Rules.Add(
                new LoggerFilterRule(typeof(OpenTelemetryLoggerProvider).FullName, typeof(OnSendHandler).FullName, LogLevel.Warning, null)));
        }

        var connectionString = configuration[ConnectionStringSetting];
        var exportsToAzure = !string.IsNullOrWhiteSpace(connectionString);
        // Logging always: a log record costs the provider nothing while no processor exports it.
        var telemetry = services.AddOpenTelemetry().WithLogging();
        if (!exportsToAzure && !hostExports)
        {
            return telemetry;
        }

        telemetry
            .WithTracing(tracing =>
            {
                if (!full)
                {
                    // First, so that it runs before the exporter's processor.
                    tracing.AddProcessor(new TelemetryBudget());
                }

                tracing.AddSource(ZapiTelemetry.Name).AddHttpClientInstrumentation();
                if (serverSpans)
                {
                    tracing.AddAspNetCoreInstrumentation();
                }
            })
            // Not ASP.NET Core's meters: requests are counted and timed from the request items (the exporter's standard
            // metrics, and the Functions host's own), so http.server.* would be series billed for nobody, and a cost
            // measured on every request (bench/README.md, "Ingest").
            .WithMetrics(metrics => metrics.AddMeter(ZapiTelemetry.Name));

        if (exportsToAzure)
        {
            var authentication = ApplicationInsightsAuthentication.Parse(configuration[ApplicationInsightsAuthentication.Setting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                // Offline storage, live metrics, … may be set under AzureMonitorExporter; sampling may not (below).
                configuration.GetSection(ExporterSection).Bind(options);
                options.ConnectionString = connectionString;
                options.Credential = authentication.Credential();

                // Zapi__TraceSamplingRatio, 1.0 unless lowered: the exporter's sampler decides by trace id, so a
                // callback's ingest, queue write and processing are kept or dropped together. Set after the section is
                // bound, so that setting alone decides; and no rate limit, which would drop traces by arrival, whatever
                // the ratio (TracesPerSecond wins over SamplingRatio when set).
                options.SamplingRatio = (float)ratio;
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
