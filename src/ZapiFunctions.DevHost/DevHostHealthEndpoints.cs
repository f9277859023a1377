using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZapiFunctions.Core.Health;

namespace ZapiFunctions.DevHost;

/// <summary>The health probes, answered by Core exactly as the Functions app's <c>Health</c> function answers them.</summary>
internal static class DevHostHealthEndpoints
{
    public static void MapDevHostHealth(this WebApplication app)
    {
        app.MapGet("/api/" + HealthProbes.Route, (string probe, HealthCheckService health, CancellationToken cancellationToken) =>
            HealthProbes.RunAsync(health, probe, cancellationToken));

        // The DevHost's first probe, kept for scripts that poll it: an alias of live.
        app.MapGet("/healthz", (HealthCheckService health, CancellationToken cancellationToken) =>
            HealthProbes.RunAsync(health, HealthProbes.Live, cancellationToken));
    }
}
