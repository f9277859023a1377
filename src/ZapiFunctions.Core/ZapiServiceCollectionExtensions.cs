using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Privacy;

namespace ZapiFunctions.Core;

/// <summary>The one composition root both hosts call: the Functions app and the DevHost each add only what is theirs.</summary>
public static class ZapiServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the functions run, once and in one order: the options (validated at start-up), the storage
    /// clients, the ingest pipeline and the fallback storage that decorates its writer, the health checks, the backlog
    /// gauges, the errored-send processor, dead letters and retention. Each part registers only itself, so none
    /// needs to guard against another. <paramref name="transport"/> says who refuses plain HTTP: the platform
    /// (Functions) or the handler (the DevHost).
    /// </summary>
    public static IServiceCollection AddZapiFunctions(this IServiceCollection services, IConfiguration configuration, TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddZapiOptions(configuration);
        services.AddZapiStorage(configuration);

        // A host or a test may bring its own clock; every part shares whichever is registered.
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddZapiIngest(transport);
        services.AddZapiFallbackStorage(configuration); // decorates the ingest writer when ZapiFallbackStorage is set
        services.AddZapiHealthChecks();
        services.AddZapiBacklog();
        services.AddZapiErroredSends();
        services.AddZapiDeadLetters();
        services.AddZapiRetention();
        return services;
    }
}
