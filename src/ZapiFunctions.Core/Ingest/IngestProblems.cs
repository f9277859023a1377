using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ZapiFunctions.Core.Http;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Ingest;

/// <summary>RFC 9457 problem responses of the ingest endpoint: each says what to fix.</summary>
internal static class IngestProblems
{
    private const string TypePrefix = "urn:zapi-functions:problem:";

    public static IResult MethodNotAllowed(string requestId, string method) =>
        new HeaderResult(
            Problem(StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Method not allowed",
                $"Use POST to deliver a Z-API callback; {method} is not supported.", requestId),
            "Allow",
            HttpMethods.Post);

    public static IResult HttpsRequired(string requestId) =>
        Problem(StatusCodes.Status403Forbidden, "https-required", "HTTPS required",
            "This endpoint accepts callbacks over HTTPS only (Z-API calls HTTPS URLs only). Use the https:// URL.",
            requestId);

    public static IResult UnsupportedMediaType(string requestId, string? contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            $"Send the callback as JSON with 'Content-Type: application/json' (UTF-8); got '{contentType ?? "(none)"}'.",
            requestId);

    public static IResult TooLarge(string requestId, int limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            $"The body exceeds {limit} bytes (Zapi__MaxBodyBytes). A DeliveryCallback is a few hundred bytes.",
            requestId);

    public static IResult TooLargeToQueue(string requestId) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            $"The callback does not fit a Storage queue message ({QueueMessageLimit.Bytes} bytes once Base64-encoded). A DeliveryCallback is a few hundred bytes.",
            requestId);

    public static IResult UnreadableBody(string requestId, int status) =>
        Problem(status is >= 400 and < 500 ? status : StatusCodes.Status400BadRequest, "unreadable-body", "Unreadable body",
            "The body could not be read to its end: it was shorter than its Content-Length, its chunked encoding was broken, or it arrived too slowly. Send the whole body in one request.",
            requestId);

    public static IResult BadRequest(string requestId, string kind, string title, string detail, string? field) =>
        Problem(StatusCodes.Status400BadRequest, kind, title, detail, requestId, field);

    public static IResult UnexpectedType(string requestId, string detail) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "unexpected-callback-type", "Not a DeliveryCallback",
            detail, requestId, "type");

    public static IResult InstanceNotAllowed(string requestId, bool noInstance) =>
        Problem(StatusCodes.Status403Forbidden, "instance-not-allowed", "Instance not allowed",
            noInstance
                ? "The callback names no instance, and Zapi__AllowedInstanceIds is set: register the per-instance URL (api/instance/<instanceId>/delivery) so the instance is known."
                : "This instanceId is not in the allow-list (Zapi__AllowedInstanceIds). Add it there or register this URL only on allowed instances.",
            requestId, "instanceId");

    public static IResult Unavailable(string requestId, int retryAfterSeconds) =>
        new HeaderResult(
            Problem(StatusCodes.Status503ServiceUnavailable, "queue-unavailable", "Temporarily unavailable",
                "The callback could not be stored durably right now and was not accepted. Retry later.", requestId),
            "Retry-After",
            retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ProblemHttpResult Problem(
        int status, string kind, string title, string detail, string requestId, string? field = null)
    {
        var extensions = new Dictionary<string, object?> { ["requestId"] = requestId };
        if (field is not null)
        {
            extensions["field"] = field;
        }

        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypePrefix + kind, extensions: extensions);
    }
}
