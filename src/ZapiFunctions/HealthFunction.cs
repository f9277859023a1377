using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Http;

namespace ZapiFunctions;

/// <summary>
/// The health probes, <c>GET /api/healthz/live</c> and <c>GET /api/healthz/ready?code=&lt;function key&gt;</c>,
/// answered by Core exactly as the DevHost answers them (<see cref="HealthProbes"/>).
/// </summary>
public sealed class HealthFunction(HealthCheckService health)
{
    /// <summary><paramref name="probe"/> is the route's <c>{probe}</c>, which the worker binds by name.</summary>
    [Function("Health")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = HealthProbes.Route)] HttpRequest request,
        string probe,
        CancellationToken cancellationToken) =>
        new ResultActionAdapter(await HealthProbes.RunAsync(health, probe, cancellationToken));
}
