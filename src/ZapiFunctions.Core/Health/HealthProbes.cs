using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ZapiFunctions.Core.Health;

/// <summary>
/// The two probes, identical in every host: <c>GET /api/healthz/live</c> runs no check (the process answers) and
/// <c>GET /api/healthz/ready</c> runs the checks tagged <see cref="ReadyTag"/> (the queues can be written).
/// </summary>
public static class HealthProbes
{
    /// <summary>The route under the Functions route prefix (<c>api</c>).</summary>
    public const string Route = "healthz/{probe:alpha}";

    /// <summary>The liveness probe's name.</summary>
    public const string Live = "live";

    /// <summary>The readiness probe's name.</summary>
    public const string Ready = "ready";

    /// <summary>The tag of checks that readiness runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Runs <paramref name="probe"/> (<see cref="Live"/> or <see cref="Ready"/>); any other name is 404.</summary>
    public static async Task<IResult> RunAsync(HealthCheckService health, string? probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        Func<HealthCheckRegistration, bool>? predicate =
            string.Equals(probe, Live, StringComparison.OrdinalIgnoreCase) ? _ => false
            : string.Equals(probe, Ready, StringComparison.OrdinalIgnoreCase) ? r => r.Tags.Contains(ReadyTag)
            : null;
        if (predicate is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown health probe",
                detail: $"There is no health probe '{probe}'; use /api/healthz/{Live} or /api/healthz/{Ready}.");
        }

        return HealthReportJson.ToResult(await health.CheckHealthAsync(predicate, cancellationToken));
    }
}
