using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Fallback;

/// <summary>The fallback storage's part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>.</summary>
public static class FallbackServiceCollectionExtensions
{
    /// <summary>How long the scheduled drain waits for the primary to answer before leaving the fallback as it is.</summary>
    private static readonly TimeSpan PrimaryCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Decorates the registered <see cref="IQueueWriter"/> with <see cref="FallbackQueueWriter"/> when
    /// <c>ZapiFallbackStorage</c> is set (read when the writer is first resolved; unset, the writer is the undecorated
    /// one), and adds <see cref="FallbackRecovery"/> for the scheduled
    /// drain. The undecorated writer stays available as the keyed service <see cref="FallbackStorage.PrimaryWriterKey"/>;
    /// the fallback's writer is the same class over the fallback's queue client, so it writes exactly as the primary's
    /// does (same encoding, same time-to-live per queue).
    /// </summary>
    public static IServiceCollection AddZapiFallbackStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IQueueWriter) && !d.IsKeyedService)
            ?? ServiceDescriptor.Singleton<IQueueWriter, StorageQueueWriter>();
        services.Remove(inner);
        services.Add(AsKeyed(inner, FallbackStorage.PrimaryWriterKey));
        services.AddKeyedSingleton<IQueueWriter>(FallbackStorage.FallbackWriterKey, (sp, _) => ActivatorUtilities.CreateInstance<StorageQueueWriter>(
            sp, sp.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(FallbackStorage.QueueClientName)));
        services.Add(new ServiceDescriptor(typeof(IQueueWriter), sp => FallbackStorage.IsConfigured(configuration)
            ? new FallbackQueueWriter(
                sp.GetRequiredKeyedService<IQueueWriter>(FallbackStorage.PrimaryWriterKey),
                sp.GetRequiredKeyedService<IQueueWriter>(FallbackStorage.FallbackWriterKey),
                sp.GetRequiredService<IOptions<ZapiOptions>>(),
                sp.GetRequiredService<IMeterFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<FallbackQueueWriter>>())
            : sp.GetRequiredKeyedService<IQueueWriter>(FallbackStorage.PrimaryWriterKey), inner.Lifetime));

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ZapiOptions>>();
            var queues = options.Value.IngestQueues();
            var drain = FallbackStorage.IsConfigured(configuration)
                ? new FallbackDrain(
                    sp.GetRequiredKeyedService<IQueueWriter>(FallbackStorage.PrimaryWriterKey),
                    sp.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(FallbackStorage.QueueClientName),
                    queues)
                : null;
            return new FallbackRecovery(
                drain,
                new QueueReadinessCheck(sp.GetRequiredService<QueueServiceClient>(), options, PrimaryCheckTimeout),
                sp.GetRequiredService<ILogger<FallbackRecovery>>());
        });
        return services;
    }

    private static ServiceDescriptor AsKeyed(ServiceDescriptor descriptor, object key) => descriptor switch
    {
        { ImplementationInstance: { } instance } => new ServiceDescriptor(descriptor.ServiceType, key, instance),
        { ImplementationFactory: { } factory } => new ServiceDescriptor(descriptor.ServiceType, key, (sp, _) => factory(sp), descriptor.Lifetime),
        { ImplementationType: { } type } => new ServiceDescriptor(descriptor.ServiceType, key, (sp, _) => ActivatorUtilities.CreateInstance(sp, type), descriptor.Lifetime),
        _ => throw new InvalidOperationException($"Cannot decorate the {descriptor.ServiceType.Name} registration."),
    };
}
