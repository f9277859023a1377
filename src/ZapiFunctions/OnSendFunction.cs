using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.Http;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions;

/// <summary>Z-API's "On send" webhook: <c>POST /api/zapi/on-send?code=&lt;function key&gt;</c>.</summary>
public sealed class OnSendFunction(OnSendHandler handler)
{
    /// <summary>
    /// Every method is routed here (no method list) so the handler can answer 405 with <c>Allow</c> instead of a bare 404.
    /// </summary>
    [Function("OnSend")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = IngestRoutes.OnSend)] HttpRequest request,
        CancellationToken cancellationToken) =>
        new ResultActionAdapter(await handler.HandleAsync(request, cancellationToken));
}
