using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Ingest;

/// <summary>
/// The ingest contract (docs/contract.md): read a Z-API "On send" callback tolerantly and answer 2xx only once it is
/// durably queued. Host-agnostic: runs under Azure Functions' ASP.NET Core integration, the DevHost and tests.
/// </summary>
public sealed partial class OnSendHandler
{
    /// <summary>Seconds a caller is asked to wait after a 503.</summary>
    public const int RetryAfterSeconds = 30;

    private readonly IQueueWriter _queue;
    private readonly ZapiOptions _options;
    private readonly bool _requireHttps;
    private readonly IReadOnlySet<string> _allowedInstances;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<OnSendHandler> _logger;

    public OnSendHandler(
        IQueueWriter queue,
        IOptions<ZapiOptions> options,
        IngestMetrics metrics,
        TimeProvider time,
        ILogger<OnSendHandler> logger,
        TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _options = options.Value;
        _requireHttps = transport == TransportSecurity.Application;
        _allowedInstances = _options.AllowedInstanceIdSet();
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Handles one request to the shared URL; never throws for a bad request or a storage failure.</summary>
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync(request, pathInstanceId: null, cancellationToken);

    /// <summary>
    /// Handles one request; <paramref name="pathInstanceId"/> is the id in a per-instance URL
    /// (<see cref="IngestRoutes.InstanceDelivery"/>), null for the shared one. Never throws for a bad request or a
    /// storage failure.
    /// </summary>
    public async Task<IResult> HandleAsync(HttpRequest request, string? pathInstanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = ZapiTelemetry.Source.StartActivity("zapi.ingest");
        var requestId = Guid.CreateVersion7().ToString("N");
        activity?.SetTag("zapi.request_id", requestId);
        pathInstanceId = string.IsNullOrWhiteSpace(pathInstanceId) ? null : pathInstanceId;

        if (!HttpMethods.IsPost(request.Method))
        {
            return Reject("method", IngestProblems.MethodNotAllowed(requestId, request.Method), activity,
                $"method {LogText.Safe(request.Method, 16)}; only POST is accepted");
        }

        if (_requireHttps && !request.IsHttps && !IsLoopback(request.HttpContext.Connection.RemoteIpAddress))
        {
            return Reject("https", IngestProblems.HttpsRequired(requestId), activity, "plain HTTP from a non-loopback address");
        }

        if (!IsJson(request.ContentType))
        {
            return Reject("media-type", IngestProblems.UnsupportedMediaType(requestId, request.ContentType), activity,
                $"Content-Type '{LogText.Safe(request.ContentType ?? "(none)", 64)}' is not JSON");
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(request, _options.MaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null; // The server's own body limit, below ours.
        }
        catch (BadHttpRequestException ex)
        {
            // The server could not read the body: shorter than its Content-Length, broken chunked framing, too slow.
            return Reject("unreadable-body", IngestProblems.UnreadableBody(requestId, ex.StatusCode), activity, ex.Message);
        }

        if (body is null)
        {
            return Reject("too-large", IngestProblems.TooLarge(requestId, _options.MaxBodyBytes), activity,
                $"body over {_options.MaxBodyBytes} bytes (Zapi__MaxBodyBytes)");
        }

        var parsed = CallbackParser.Parse(body.Value, pathInstanceId);
        if (parsed.Callback is not { } callback)
        {
            return Reject(ReasonOf(parsed.Rejection), ProblemFor(parsed, requestId), activity, parsed.Detail!,
                parsed.Rejection == CallbackRejection.UnexpectedType ? WebhookTypes.MetricValue(parsed.Type) : null);
        }

        activity?.SetTag("zapi.instance_id", callback.InstanceId);
        activity?.SetTag("zapi.message_id", callback.MessageId);
        activity?.SetTag("zapi.zaap_id", callback.ZaapId);
        activity?.SetTag("zapi.custom_id", callback.CustomId);
        activity?.SetTag("zapi.path_instance_id", callback.PathInstanceId);
        activity?.SetTag(TelemetryBudget.ErroredTag, callback.IsError);
        if (!InstanceAllowed(callback))
        {
            return Reject("instance-not-allowed", IngestProblems.InstanceNotAllowed(requestId, callback.InstanceId is null), activity,
                $"instance {LogText.Safe(callback.BodyInstanceId ?? "(none)")} (URL: {LogText.Safe(callback.PathInstanceId ?? "(none)")})");
        }

        ReportShape(requestId, callback, activity);
        if (!callback.IsError && !_options.StoresDeliveries())
        {
            return Ignore(requestId, callback, activity);
        }

        var queueName = callback.IsError ? _options.ErroredSendsQueue : _options.DeliveriesQueue;
        activity?.SetTag("zapi.queue", queueName);
        var message = EnvelopeWriter.Write(
            _time.GetUtcNow(), requestId, ZapiTelemetry.TraceParent(activity), body.Value.Span, callback);
        if (QueueMessageLimit.EncodedLength(message) > QueueMessageLimit.Bytes)
        {
            // Retrying cannot make it fit, so this is a 413, never a 503 that looks like an outage.
            return Reject("too-large", IngestProblems.TooLargeToQueue(requestId), activity,
                $"envelope of {message.ToMemory().Length} bytes does not fit a queue message once Base64-encoded", shape: callback);
        }

        var started = _time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.EnqueueTimeout);
        try
        {
            await _queue.EnqueueAsync(queueName, message, deadline.Token);
        }
#pragma warning disable CA1031 // Any storage failure becomes a 503 the caller can retry; nothing is acknowledged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _metrics.Enqueued(queueName, succeeded: false, _time.GetElapsedTime(started));
            _metrics.Received("unavailable", "queue-unavailable", callback);
            activity?.SetTag("zapi.outcome", "unavailable");
            activity?.SetTag("zapi.reason", "queue-unavailable");
            activity?.SetStatus(ActivityStatusCode.Error, $"queue-unavailable: could not enqueue on {queueName} ({StorageFailure.Describe(ex)})");
            var (id, _, _) = callback.Loggable();
            LogEnqueueFailed(_logger, ex, requestId, queueName, id);
            return IngestProblems.Unavailable(requestId, RetryAfterSeconds);
        }

        _metrics.Enqueued(queueName, succeeded: true, _time.GetElapsedTime(started));
        var reason = callback.IsError ? "errored" : "delivered";
        _metrics.Received("enqueued", reason, callback);
        activity?.SetTag("zapi.outcome", "enqueued");
        activity?.SetTag("zapi.reason", reason);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var (id, instance, phone) = callback.Loggable();
            LogEnqueued(_logger, requestId, id, instance, phone, queueName);
        }
        return new AcceptedResult(new IngestAccepted("enqueued", requestId));
    }

    /// <summary>
    /// With an allow-list, every instance id the request names (the body's and the URL's) must be on it, and a
    /// callback that names none cannot show it is allowed.
    /// </summary>
    private bool InstanceAllowed(DeliveryCallback callback) =>
        _allowedInstances.Count == 0
        || (callback.InstanceId is not null
            && (callback.BodyInstanceId is null || _allowedInstances.Contains(callback.BodyInstanceId))
            && (callback.PathInstanceId is null || _allowedInstances.Contains(callback.PathInstanceId)));

    /// <summary>Tags, and logs once, a callback that lacked fields or whose URL named another instance.</summary>
    private void ReportShape(string requestId, DeliveryCallback callback, Activity? activity)
    {
        if (callback.InstanceSource == InstanceSources.Mismatch && _logger.IsEnabled(LogLevel.Warning))
        {
            var (id, instance, _) = callback.Loggable();
            var pathInstance = LogText.Safe(callback.PathInstanceId);
            LogInstanceMismatch(_logger, requestId, id, pathInstance, instance);
        }

        if (!callback.IsComplete)
        {
            activity?.SetTag("zapi.fields", "incomplete");
        }

        if (!callback.IsComplete && _logger.IsEnabled(LogLevel.Warning))
        {
            var (id, instance, phone) = callback.Loggable();
            var missingFields = string.Join(", ", callback.MissingFields);
            var oddFields = string.Join(", ", callback.OddFields);
            LogIncomplete(_logger, requestId, id, instance, phone, missingFields, oddFields);
        }
    }

    private IResult Reject(
        string reason, IResult problem, Activity? activity, string detail, string? callbackType = null, DeliveryCallback? shape = null)
    {
        _metrics.Rejected(reason, callbackType, shape);
        activity?.SetTag("zapi.outcome", "rejected");
        activity?.SetTag("zapi.reason", reason);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            var safeDetail = LogText.Safe(detail, 256);
            LogRejected(_logger, (problem as IStatusCodeHttpResult)?.StatusCode ?? 0, reason, safeDetail);
        }
        return problem;
    }

    private static IResult ProblemFor(CallbackParseResult parsed, string requestId) => parsed.Rejection switch
    {
        CallbackRejection.UnexpectedType => IngestProblems.UnexpectedType(requestId, parsed.Detail!),
        CallbackRejection.MissingField => IngestProblems.BadRequest(
            requestId, "missing-field", "Missing field", parsed.Detail!, parsed.Field),
        CallbackRejection.InvalidField => IngestProblems.BadRequest(
            requestId, "invalid-field", "Invalid field", parsed.Detail!, parsed.Field),
        CallbackRejection.AmbiguousField => IngestProblems.BadRequest(
            requestId, "ambiguous-field", "Field given twice", parsed.Detail!, parsed.Field),
        _ => IngestProblems.BadRequest(requestId, "malformed-json", "Malformed JSON", parsed.Detail!, null),
    };

    private static string ReasonOf(CallbackRejection? rejection) => rejection switch
    {
        CallbackRejection.UnexpectedType => "unexpected-type",
        CallbackRejection.MissingField => "missing-field",
        CallbackRejection.InvalidField => "invalid-field",
        CallbackRejection.AmbiguousField => "ambiguous-field",
        _ => "malformed",
    };

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var isJson = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
        var charset = mediaType.Charset;
        return isJson && (!charset.HasValue
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var declared = request.ContentLength;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(declared ?? 1024, limit) + 1);
        while (true)
        {
            // With a declared length, room for the rest of it and one byte more (to see the end). Asking for a fixed
            // 4 KiB would reallocate the buffer for every callback, since a callback is a few hundred bytes.
            var memory = buffer.GetMemory(declared is { } length && length >= buffer.WrittenCount
                ? (int)(length - buffer.WrittenCount) + 1
                : 4096);
            var read = await request.Body.ReadAsync(memory, ct);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Callback {MessageId} from instance {InstanceId} to {Phone} enqueued on {Queue} (request {RequestId})")]
    private static partial void LogEnqueued(
        ILogger logger, string requestId, string messageId, string instanceId, string phone, string queue);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Callback rejected with {Status} ({Reason}): {Detail}")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string detail);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Callback {MessageId} from instance {InstanceId} to {Phone} is incomplete, kept as received: missing [{Missing}], odd [{Odd}] (request {RequestId})")]
    private static partial void LogIncomplete(
        ILogger logger, string requestId, string messageId, string instanceId, string phone, string missing, string odd);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Callback {MessageId} was posted to the URL of instance {PathInstanceId} but its body says instance {InstanceId}; stored under the body's id with both recorded: check which URL that instance is registered with (request {RequestId})")]
    private static partial void LogInstanceMismatch(
        ILogger logger, string requestId, string messageId, string pathInstanceId, string instanceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
        Message = "Could not enqueue callback {MessageId} on {Queue}; answered 503 (request {RequestId})")]
    private static partial void LogEnqueueFailed(
        ILogger logger, Exception exception, string requestId, string queue, string messageId);
}
