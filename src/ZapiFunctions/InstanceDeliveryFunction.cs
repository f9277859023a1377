using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.Http;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions;

/// <summary>
/// Z-API's "On send" webhook at a per-instance URL, the shape of Z-API's registration example:
/// <c>POST /api/instance/{instanceId}/delivery?code=&lt;function key&gt;</c>. Same handler and contract as
/// <see cref="OnSendFunction"/>; the path's id fills a callback's missing <c>instanceId</c>.
/// </summary>
public sealed class InstanceDeliveryFunction(OnSendHandler handler)
{
    /// <summary>Every method is routed here, as for OnSend, so the handler can answer 405 with <c>Allow</c>.</summary>
    [Function("InstanceDelivery")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = IngestRoutes.InstanceDelivery)] HttpRequest request,
        string instanceId,
        CancellationToken cancellationToken) =>
        new ResultActionAdapter(await handler.HandleAsync(request, instanceId, cancellationToken));
}
