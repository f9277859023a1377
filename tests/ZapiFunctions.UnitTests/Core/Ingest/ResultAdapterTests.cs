using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using ZapiFunctions.Core.Http;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

public sealed class ResultAdapterTests
{
    [Fact]
    public async Task The_action_result_writes_what_the_handler_result_would()
    {
        var request = TestHttp.Request("{}");
        var inner = new HeaderResult(TypedResults.Problem("d", statusCode: 503), "Retry-After", "30");

        await new ResultActionAdapter(inner).ExecuteResultAsync(
            new ActionContext(request.HttpContext, new RouteData(), new ActionDescriptor()));

        Assert.Equal(503, request.HttpContext.Response.StatusCode);
        Assert.Equal("30", request.HttpContext.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", request.HttpContext.Response.ContentType);
    }
}
