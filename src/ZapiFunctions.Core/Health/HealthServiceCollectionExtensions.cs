using Microsoft.Extensions.DependencyInjection;

namespace ZapiFunctions.Core.Health;

/// <summary>Registers the app's health checks; the same call serves the Functions app, the DevHost and tests.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>HealthCheckService</c> with <see cref="QueueReadinessCheck"/> (tag <see cref="HealthProbes.ReadyTag"/>).
    /// Needs the <c>QueueServiceClient</c> and <c>ZapiOptions</c> that <c>AddZapiIngest</c> registers. Idempotent.
    /// </summary>
    public static IServiceCollection AddZapiHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<QueueReadinessCheck>();
        services.AddHealthChecks().AddCheck<QueueReadinessCheck>(QueueReadinessCheck.Name, tags: [HealthProbes.ReadyTag]);
        return services;
    }
}
