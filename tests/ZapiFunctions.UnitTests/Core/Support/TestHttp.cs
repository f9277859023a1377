using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ZapiFunctions.UnitTests.Core.Support;

/// <summary>Builds ASP.NET Core requests without a server and runs results the way a host would.</summary>
internal static class TestHttp
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().BuildServiceProvider();

    public static HttpRequest Request(
        string body,
        string method = "POST",
        string? contentType = "application/json",
        bool https = true,
        IPAddress? remote = null,
        bool sendContentLength = true) =>
        Request(Encoding.UTF8.GetBytes(body), method, contentType, https, remote, sendContentLength);

    /// <summary>A request whose body is exactly <paramref name="bytes"/> (e.g. not UTF-8).</summary>
    public static HttpRequest Request(
        byte[] bytes,
        string method = "POST",
        string? contentType = "application/json",
        bool https = true,
        IPAddress? remote = null,
        bool sendContentLength = true)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = method;
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Host = new HostString("zapi.example.test");
        context.Request.Path = "/api/zapi/on-send";
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(bytes);
        if (sendContentLength)
        {
            context.Request.ContentLength = bytes.Length;
        }

        context.Connection.RemoteIpAddress = remote ?? IPAddress.Parse("203.0.113.7");
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static async Task<Response> ExecuteAsync(IResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body);
        var text = await reader.ReadToEndAsync();
        return new Response(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, text);
    }

    internal sealed record Response(int Status, string? ContentType, IHeaderDictionary Headers, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }
}
