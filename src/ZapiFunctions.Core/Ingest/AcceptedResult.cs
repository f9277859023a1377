using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.Ingest;

/// <summary>
/// The 200 answer, <see cref="IngestAccepted"/> as JSON, serialized before it is written so that it goes out with a
/// <c>Content-Length</c> in one write. <c>TypedResults.Ok(value)</c> streams its JSON instead: HTTP/1.1 chunked, and a
/// serializer state machine and a flush per callback, a measurable share of the DevHost's CPU per callback under load
/// (bench/README.md, "Ingest").
/// </summary>
public sealed class AcceptedResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<IngestAccepted>, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly byte[] _body;

    /// <summary>An answer of <paramref name="value"/>.</summary>
    public AcceptedResult(IngestAccepted value)
    {
        Value = value;
        _body = JsonSerializer.SerializeToUtf8Bytes(value, CallbackJsonContext.Default.IngestAccepted);
    }

    /// <summary>The body.</summary>
    public IngestAccepted Value { get; }

    /// <inheritdoc />
    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    string IContentTypeHttpResult.ContentType => JsonContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = _body.Length;
        return response.Body.WriteAsync(_body, httpContext.RequestAborted).AsTask();
    }
}
