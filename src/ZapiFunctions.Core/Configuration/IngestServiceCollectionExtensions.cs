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
    /// Binds the <c>Zapi</c> section (<see cref="ZapiOptionsBinding"/>) and validates it on start
    /// (<see cref="ZapiOptionsProblems"/>): an invalid value stops start-up with its name (see <see cref="StartupProblems"/>).
    /// </summary>
    public static IServiceCollection AddZapiOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ZapiOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<ZapiOptions>>(new ZapiOptionsBinding(configuration));
        services.AddSingleton<IValidateOptions<ZapiOptions>>(new ZapiOptionsProblems(configuration));
        return services;
    }
}
