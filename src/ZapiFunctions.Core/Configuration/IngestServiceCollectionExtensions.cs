using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Configuration;

/// <summary>Registers the ingest pipeline; the same call serves the Functions app, the DevHost and tests.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OnSendHandler"/>, validated <see cref="ZapiOptions"/> (checked at start-up), the queue
    /// client from <c>AzureWebJobsStorage</c>, start-up queue creation and telemetry instruments.
    /// </summary>
    public static IServiceCollection AddZapiIngest(
        this IServiceCollection services, IConfiguration configuration, TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddZapiOptions(configuration);
        if (transport == TransportSecurity.Platform)
        {
            services.PostConfigure<ZapiOptions>(o => o.RequireHttps = false);
        }

        services.AddZapiStorageQueues(configuration);
        services.TryAddSingleton<IQueueWriter, StorageQueueWriter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IngestMetrics>();
        services.TryAddSingleton<OnSendHandler>();
        services.AddHostedService(sp => new IngestStartupReport(
            sp.GetRequiredService<IOptions<ZapiOptions>>(), transport, sp.GetRequiredService<ILogger<IngestStartupReport>>()));
        services.AddHostedService<QueueProvisioner>();
        services.AddZapiHealthChecks();
        return services;
    }

    /// <summary>Binds and validates the <c>Zapi</c> section; an invalid value stops start-up with its name.</summary>
    public static IServiceCollection AddZapiOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ZapiOptions>()
            .Bind(configuration.GetSection(ZapiOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZapiOptions>, ZapiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZapiOptions>, ZapiOptionsRules>());
        return services;
    }

    /// <summary>
    /// Registers a <see cref="QueueServiceClient"/> through Microsoft.Extensions.Azure, addressed like the Functions
    /// host addresses <c>AzureWebJobsStorage</c>, with Base64 messages and retries bounded for a webhook's latency.
    /// </summary>
    public static IServiceCollection AddZapiStorageQueues(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = StorageConnection.From(configuration);
        services.AddAzureClients(clients =>
        {
            var client = storage.ConnectionString is { } connectionString
                ? clients.AddQueueServiceClient(connectionString)
                : clients.AddQueueServiceClient(storage.ServiceUri("queue")).WithCredential(storage.Credential());
            client.ConfigureOptions(ConfigureQueueOptions);
        });
        return services;
    }

    /// <summary>Registers a <see cref="Azure.Data.Tables.TableServiceClient"/> addressed like the queues.</summary>
    public static IServiceCollection AddZapiStorageTables(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = StorageConnection.From(configuration);
        services.AddAzureClients(clients =>
        {
            if (storage.ConnectionString is { } connectionString)
            {
                clients.AddTableServiceClient(connectionString);
            }
            else
            {
                clients.AddTableServiceClient(storage.ServiceUri("table")).WithCredential(storage.Credential());
            }
        });
        return services;
    }

    private static void ConfigureQueueOptions(QueueClientOptions options)
    {
        options.MessageEncoding = QueueMessageEncoding.Base64;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}
