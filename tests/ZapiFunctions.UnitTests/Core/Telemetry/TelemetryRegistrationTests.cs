using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Core.Telemetry;

/// <summary><see cref="TelemetryServiceCollectionExtensions.AddZapiTelemetry"/>: levels, exporter and credential from settings.</summary>
[Collection(ActivitySourceTests.Name)]
public sealed class TelemetryRegistrationTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    [Fact]
    public void By_default_the_app_logs_at_information_and_everything_else_from_warning()
    {
        using var services = Build([]);
        var loggers = services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("ZapiFunctions.Core.ErroredSends.ErroredSendProcessor").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("ZapiFunctions.Core.ErroredSends.ErroredSendProcessor").IsEnabled(LogLevel.Debug));

        // The telemetry budget: the ingest handler's per-callback line is not exported, its warnings are.
        Assert.False(loggers.CreateLogger("ZapiFunctions.Core.Ingest.OnSendHandler").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("ZapiFunctions.Core.Ingest.OnSendHandler").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.ZapiNotify.LogicalHandler").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void With_full_telemetry_the_per_callback_line_is_exported_too()
    {
        using var services = Build(new() { ["Zapi:FullTelemetry"] = "true" });

        Assert.True(services.GetRequiredService<ILoggerFactory>().CreateLogger("ZapiFunctions.Core.Ingest.OnSendHandler").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Logging_settings_override_the_defaults_in_both_directions()
    {
        using var services = Build(new()
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["Logging:LogLevel:ZapiFunctions"] = "Warning",
        });
        var loggers = services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("ZapiFunctions.Core.Ingest.OnSendHandler").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        using var services = Build([]);

        Assert.DoesNotContain(services.GetServices<IHostedService>(), s => s.GetType().Assembly == typeof(AzureMonitorExporterOptions).Assembly);
    }

    [Fact]
    public void With_a_connection_string_every_trace_is_kept_and_the_exporter_section_applies()
    {
        using var services = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            ["AzureMonitorExporter:EnableLiveMetrics"] = "false",
            ["AzureMonitorExporter:DisableOfflineStorage"] = "true",
            ["AzureMonitorExporter:SamplingRatio"] = "0.1",
            ["AzureMonitorExporter:TracesPerSecond"] = "5",
        });

        var options = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Contains(services.GetServices<IHostedService>(), s => s.GetType().Assembly == typeof(AzureMonitorExporterOptions).Assembly);
        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.Equal(1.0F, options.SamplingRatio);
        Assert.Null(options.TracesPerSecond);
        Assert.False(options.EnableLiveMetrics);
        Assert.True(options.DisableOfflineStorage);
        Assert.Null(options.Credential);
    }

    [Fact]
    public void Once_exporting_no_sampler_setting_can_drop_a_trace()
    {
        using var services = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            ["AzureMonitorExporter:EnableLiveMetrics"] = "false",
            ["AzureMonitorExporter:DisableOfflineStorage"] = "true",
            ["OTEL_TRACES_SAMPLER"] = "always_off",
        });
        services.GetRequiredService<TracerProvider>();

        using var activity = ZapiTelemetry.Source.StartActivity("zapi.test");

        Assert.NotNull(activity);
        Assert.True(activity.Recorded);
    }

    [Theory]
    [InlineData("0.25", 0.25F)]
    [InlineData("0", 0F)]
    [InlineData(null, 1.0F)]
    [InlineData("", 1.0F)]
    [InlineData("abc", 1.0F)]
    [InlineData("1.5", 1.0F)]
    [InlineData("0,5", 1.0F)]
    [InlineData("NaN", 1.0F)]
    public void The_trace_sampling_ratio_is_the_setting_or_every_trace_when_it_is_not_valid(string? value, float ratio)
    {
        using var services = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            ["AzureMonitorExporter:EnableLiveMetrics"] = "false",
            ["AzureMonitorExporter:DisableOfflineStorage"] = "true",
            ["Zapi:TraceSamplingRatio"] = value,
        });

        var options = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Equal(ratio, options.SamplingRatio);
        Assert.Null(options.TracesPerSecond);
    }

    [Fact]
    public void With_a_ratio_of_zero_no_trace_is_recorded()
    {
        using var services = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            ["AzureMonitorExporter:EnableLiveMetrics"] = "false",
            ["AzureMonitorExporter:DisableOfflineStorage"] = "true",
            ["Zapi:TraceSamplingRatio"] = "0",
        });
        services.GetRequiredService<TracerProvider>();

        using var activity = ZapiTelemetry.Source.StartActivity("zapi.test");

        // Still started, so the trace context reaches the queue message; only not recorded, so never exported.
        Assert.NotNull(activity);
        Assert.False(activity.Recorded);
    }

    [Theory]
    [InlineData("ClientId=4e2c1d6a-0000-0000-0000-000000000001;Authorization=AAD", typeof(ManagedIdentityCredential))]
    [InlineData("Authorization=AAD", typeof(DefaultAzureCredential))]
    public void Entra_authentication_uses_the_apps_identity_or_the_signed_in_developer(string authentication, Type credential)
    {
        using var services = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            [ApplicationInsightsAuthentication.Setting] = authentication,
        });

        var options = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.IsType(credential, options.Credential);
    }

    [Theory]
    [InlineData("ClientId=abc-123;Authorization=AAD", true, "abc-123")]
    [InlineData(" authorization = aad ; clientid = abc-123 ", true, "abc-123")]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData("ClientId=abc-123", false, "abc-123")]
    [InlineData("", false, null)]
    [InlineData(null, false, null)]
    public void The_authentication_string_is_read_as_the_functions_host_reads_it(string? value, bool entra, string? clientId)
    {
        var parsed = ApplicationInsightsAuthentication.Parse(value);

        Assert.Equal(new ApplicationInsightsAuthentication(entra, clientId), parsed);
        Assert.Equal(entra, parsed.Credential() is not null);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddZapiTelemetry(configuration);
        return services.BuildServiceProvider();
    }
}
