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
    /// <summary>
    /// Adds <see cref="BacklogMonitor"/>, a singleton (it keeps the last reading its gauges publish); the host decides
    /// when it reads (the Functions timer, the DevHost's poller). It reads through the undecoded queue client
    /// (<see cref="StorageServiceCollectionExtensions.UndecodedQueuesName"/>): it never looks at a body, so a message in any encoding (plain text
    /// put on the poison queue by hand) is counted and aged instead of failing the read.
    /// </summary>
    public static IServiceCollection AddZapiBacklog(this IServiceCollection services)
    {
        services.AddOptions<BacklogMonitorOptions>();
        services.AddSingleton(sp => new BacklogMonitor(
            sp.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(StorageServiceCollectionExtensions.UndecodedQueuesName),
            sp.GetRequiredService<IOptions<ZapiOptions>>(),
            sp.GetRequiredService<IOptions<BacklogMonitorOptions>>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BacklogMonitor>>()));
        return services;
    }
}
