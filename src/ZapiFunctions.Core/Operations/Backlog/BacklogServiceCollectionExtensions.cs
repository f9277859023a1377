using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Operations.Backlog;

/// <summary>The queue backlog gauges' part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>.</summary>
public static class BacklogServiceCollectionExtensions
{
    /// <summary>The name of the queue client the monitor reads with (see <see cref="AddZapiBacklog"/>).</summary>
    public const string QueueClientName = "backlog";

    /// <summary>
    /// Adds <see cref="BacklogMonitor"/>, a singleton (it keeps the last reading its gauges publish); the host decides
    /// when it reads (the Functions timer, the DevHost's poller). It reads through its own queue client, addressed
    /// like the app's but without Base64 decoding: it never looks at a body, so a message in any encoding (plain text
    /// put on the poison queue by hand) is counted and aged instead of failing the read.
    /// </summary>
    public static IServiceCollection AddZapiBacklog(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAzureClients(clients => clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
        {
            IngestServiceCollectionExtensions.ConfigureQueueOptions(options);
            IngestServiceCollectionExtensions.ConfigureSdkLogging(options, provider);
            options.MessageEncoding = QueueMessageEncoding.None;
            return StorageConnection.From(configuration).QueueService(options);
        }).WithName(QueueClientName));
        services.AddOptions<BacklogMonitorOptions>();
        services.AddSingleton(sp => new BacklogMonitor(
            sp.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(QueueClientName),
            sp.GetRequiredService<IOptions<ZapiOptions>>(),
            sp.GetRequiredService<IOptions<BacklogMonitorOptions>>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BacklogMonitor>>()));
        return services;
    }
}
