using Microsoft.AspNetCore.Http;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

/// <summary>The 200 answer goes out whole, with its length, as the JSON the contract documents.</summary>
public sealed class AcceptedResultTests
{
    [Fact]
    public async Task The_answer_is_the_documented_JSON_with_its_Content_Length()
    {
        var request = TestHttp.Request("{}");

        var response = await TestHttp.ExecuteAsync(new AcceptedResult(new IngestAccepted("enqueued", "0190abc")), request);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.Equal("""{"status":"enqueued","requestId":"0190abc"}""", response.Body);
        Assert.Equal(response.Body.Length, request.HttpContext.Response.ContentLength);
    }

    [Fact]
    public void It_reports_its_status_and_value_as_the_typed_results_do()
    {
        var value = new IngestAccepted(OnSendHandler.IgnoredStatus, "r1");
        var result = new AcceptedResult(value);

        Assert.Equal(200, ((IStatusCodeHttpResult)result).StatusCode);
        Assert.Same(value, ((IValueHttpResult<IngestAccepted>)result).Value);
        Assert.Equal("application/json; charset=utf-8", ((IContentTypeHttpResult)result).ContentType);
    }
}
