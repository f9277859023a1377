using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Configuration;

/// <summary>The ingest pipeline's part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>, and the options and storage clients every part uses.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OnSendHandler"/> over the queue writer, its start-up report and start-up queue creation.
    /// </summary>
    public static IServiceCollection AddZapiIngest(this IServiceCollection services, TransportSecurity transport)
    {
        services.AddSingleton(sp => new QueueTimeToLive(sp.GetRequiredService<IOptions<ZapiOptions>>().Value));
        services.AddSingleton<IQueueWriter, StorageQueueWriter>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OnSendHandler>(sp, transport));
        services.AddHostedService(sp => new IngestStartupReport(
            sp.GetRequiredService<IOptions<ZapiOptions>>(), transport, sp.GetRequiredService<ILogger<IngestStartupReport>>()));
        services.AddHostedService<QueueProvisioner>();
        return services;
    }

    /// <summary>
    /// Binds and validates the <c>Zapi</c> section and <c>AzureWebJobsStorage</c>; an invalid value stops start-up with
    /// its name (see <see cref="StartupProblems"/>).
    /// </summary>
    public static IServiceCollection AddZapiOptions(this IServiceCollection services, IConfiguration configuration)
    {
        // Bound by ZapiSettings rather than the configuration binder, so a value of the wrong type is reported by
        // name with the other problems instead of surfacing as the binder's exception.
        services.AddOptions<ZapiOptions>()
            .Configure(options => ZapiSettings.Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZapiOptions>>(
            new SettingProblemsValidator<ZapiOptions>(() => ZapiSettings.Problems(configuration))));
        return services;
    }

    /// <summary>
    /// Registers a <see cref="QueueServiceClient"/> through Microsoft.Extensions.Azure, addressed like the Functions
    /// host addresses <c>AzureWebJobsStorage</c>, with Base64 messages and retries bounded for a webhook's latency.
    /// </summary>
    public static IServiceCollection AddZapiStorageQueues(this IServiceCollection services, IConfiguration configuration)
    {
        // Read when the client is first resolved, not here: a bad setting is then reported with the others at
        // start-up (AddStorageSettingsCheck) instead of as an exception out of service registration.
        services.AddStorageSettingsCheck(configuration);
        services.AddAzureClients(clients => clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
        {
            ConfigureQueueOptions(options);
            ConfigureSdkLogging(options, provider);
            return StorageConnection.From(configuration).QueueService(options);
        }));
        return services;
    }

    /// <summary>Registers a <see cref="TableServiceClient"/> addressed like the queues.</summary>
    public static IServiceCollection AddZapiStorageTables(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStorageSettingsCheck(configuration);
        services.AddAzureClients(clients => clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) =>
        {
            ConfigureSdkLogging(options, provider);
            return StorageConnection.From(configuration).TableService(options);
        }));
        return services;
    }

    private static void AddStorageSettingsCheck(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSettingProblemsCheck<StorageSettingsChecked>(() => StorageConnection.Problems(configuration));

    /// <summary>
    /// The Azure SDK's per-call request/response log (its <c>LoggingPolicy</c>) only where someone reads it, i.e. when
    /// the <c>Azure.Core</c> log category is enabled at Information (<c>--Logging:LogLevel:Azure.Core=Information</c>;
    /// read once, when the client is created). AddAzureClients forwards the SDK's EventSource to ILogger, so otherwise
    /// every storage call would format its request and response headers into events that the default Warning level
    /// then drops, for nobody.
    /// </summary>
    internal static void ConfigureSdkLogging(ClientOptions options, IServiceProvider provider)
    {
        var loggers = provider.GetService<ILoggerFactory>();
        options.Diagnostics.IsLoggingEnabled = loggers is not null && loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information);
    }

    /// <summary>Base64 messages and retries bounded for a webhook's latency.</summary>
    internal static void ConfigureQueueOptions(QueueClientOptions options)
    {
        options.MessageEncoding = QueueMessageEncoding.Base64;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}
