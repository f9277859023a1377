using System.Net.Http.Headers;

namespace ZapiFunctions.Core.Http;

/// <summary>
/// Outgoing JSON bodies, serialized up front. JsonContent and PostAsJsonAsync stream without a known length, so
/// HTTP/1.1 sends them chunked; some receivers (proxies, simple webhook endpoints) refuse or mangle that, and a
/// buffered body also lets a retry resend the same bytes. A byte array gives Content-Length.
/// </summary>
internal static class JsonRequestContent
{
    /// <summary>A body of <paramref name="utf8Json"/> with <c>Content-Type: application/json; charset=utf-8</c>.</summary>
    public static ByteArrayContent Create(byte[] utf8Json)
    {
        var content = new ByteArrayContent(utf8Json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
