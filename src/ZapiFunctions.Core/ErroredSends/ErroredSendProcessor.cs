using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Handles one message of the errored-sends queue: classify, record (idempotent per instance + message), tell
/// telemetry, and notify the team once. Input is at-least-once, so every effect tolerates repeats. A message that
/// can never be processed throws <see cref="InvalidEnvelopeException"/>; a transient failure (table or notify
/// endpoint down) throws its own exception so the runtime retries, then moves the message to the poison queue.
/// </summary>
public sealed partial class ErroredSendProcessor(
    ErroredSendLedger ledger,
    ErroredSendNotifier notifier,
    ErroredSendMetrics metrics,
    ILogger<ErroredSendProcessor> logger)
{
    /// <summary>Processes one queue message body; <paramref name="dequeueCount"/> is logged only.</summary>
    public async Task<ErroredSendOutcome> ProcessAsync(BinaryData message, long dequeueCount, CancellationToken cancellationToken)
    {
        var envelope = EnvelopeReader.Read(message);
        using var activity = StartActivity(envelope, Activity.Current);
        activity?.SetTag("zapi.dequeue_count", dequeueCount);
        try
        {
            return await ProcessAsync(envelope, dequeueCount, activity, cancellationToken);
        }
        catch (Exception ex)
        {
            // The exception's first line (secrets masked): never the callback, so never a phone number.
            activity?.SetStatus(ActivityStatusCode.Error, $"{ex.GetType().Name}: {StorageFailure.Describe(ex)}");
            LogFailed(envelope, dequeueCount, ex);
            throw;
        }
    }

    /// <summary>
    /// The exception's type and first line (of the last try's, for the SDK's retry <see cref="AggregateException"/>),
    /// secrets masked, and never a phone: the callback's phone and any run of 8 or more digits are masked.
    /// </summary>
    internal static string DescribeFailure(Exception error, string? phone)
    {
        var cause = error is AggregateException { InnerExceptions.Count: > 0 } tries ? tries.InnerExceptions[^1] : error;
        var text = $"{cause.GetType().Name}: {StorageFailure.FirstLine(cause.Message)}";
        if (!string.IsNullOrEmpty(phone))
        {
            text = text.Replace(phone, PhoneMask.Mask(phone), StringComparison.Ordinal);
        }

        return LongDigitRun().Replace(text, m => PhoneMask.Mask(m.Value));
    }

    /// <summary>
    /// Each failed try, by message id: the runtime's own failure log does not name the callback, and after the last
    /// try this line is where the dead letter's error is (the DeadLetter function sees only the message).
    /// </summary>
    private void LogFailed(CallbackEnvelope envelope, long dequeueCount, Exception error)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var callback = CallbackParser.Parse(envelope.Callback, envelope.PathInstanceId).Callback;
        LogTryFailed(
            logger,
            LogText.Safe(callback?.Id ?? "(no id)"),
            LogText.Safe(callback?.InstanceId ?? TableKeys.NoInstance),
            dequeueCount,
            DescribeFailure(error, callback?.Phone),
            envelope.RequestId);
    }

    /// <summary>
    /// Starts <c>zapi.errored_send</c> in the ingest request's trace (parent: the envelope's <c>traceParent</c>), so
    /// one callback is one trace from the HTTP request to the notification, and links it to
    /// <paramref name="invocation"/> (the trigger's own activity, if any), since this runs in another invocation,
    /// possibly more than once. An envelope without a valid <c>traceParent</c> starts a new trace under the invocation.
    /// </summary>
    internal static Activity? StartActivity(CallbackEnvelope envelope, Activity? invocation)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        TelemetryBudget.Keep(invocation); // everything stays for an errored send, the invocation it ran in too
        var parent = ActivityContext.TryParse(envelope.TraceParent, null, isRemote: true, out var ingest)
            ? ingest
            : invocation?.Context ?? default;
        ActivityLink[]? links = invocation is not null && parent != invocation.Context ? [new ActivityLink(invocation.Context)] : null;
        var activity = ZapiTelemetry.Source.StartActivity("zapi.errored_send", ActivityKind.Consumer, parent, links: links);
        activity?.SetTag("zapi.request_id", envelope.RequestId);
        return activity;
    }

    private async Task<ErroredSendOutcome> ProcessAsync(
        CallbackEnvelope envelope, long dequeueCount, Activity? activity, CancellationToken cancellationToken)
    {
        var parsed = CallbackParser.Parse(envelope.Callback, envelope.PathInstanceId);
        if (parsed.Callback is not { } callback)
        {
            throw new InvalidEnvelopeException($"The envelope's callback is not a valid DeliveryCallback: {parsed.Detail}");
        }

        if (!callback.IsError)
        {
            throw new InvalidEnvelopeException(
                $"Message {LogText.Safe(callback.Id)} has no error: successful sends belong on the deliveries queue, not here.");
        }

        var classification = ErrorCatalog.Classify(callback.Error, callback.ErrorCode);
        activity?.SetTag("zapi.instance_id", callback.InstanceId);
        activity?.SetTag("zapi.message_id", callback.MessageId);
        activity?.SetTag("zapi.zaap_id", callback.ZaapId);
        activity?.SetTag("zapi.custom_id", callback.CustomId);
        activity?.SetTag("zapi.error.category", classification.Category);

        var record = await ledger.RecordAsync(callback, classification, envelope.RequestId, envelope.ReceivedAt, cancellationToken);
        var entity = record.Entity;
        if (record.Counted)
        {
            metrics.Recorded(classification.Category, callback.InstanceId ?? TableKeys.NoInstance);
            var (id, instance, phone) = callback.Loggable();
            var error = LogText.Safe(callback.Error, 256);
            LogErroredSend(logger, id, instance, phone, classification.Category, classification.Retryable, error,
                entity.Occurrences, dequeueCount, envelope.RequestId);
        }

        var notified = false;
        // First occurrence only: the request that created the row notifies, retrying until the endpoint accepts.
        if (notifier.Enabled && entity.NotifiedAt is null && entity.FirstRequestId == envelope.RequestId)
        {
            await notifier.NotifyAsync(
                new ErroredSendNotification(
                    ErroredSendNotification.TypeName, callback.InstanceId, callback.MessageId, callback.ZaapId, callback.Phone,
                    callback.Error, callback.ErrorCode, classification.Category, classification.Retryable, classification.Advice,
                    callback.EventTime(envelope.ReceivedAt), entity.FirstSeen, envelope.RequestId)
                {
                    CustomId = callback.CustomId,
                },
                cancellationToken);
            await ledger.MarkNotifiedAsync(entity, cancellationToken);
            notified = true;
        }

        return new ErroredSendOutcome(classification, entity.Occurrences, record.Counted, notified);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Errored send {MessageId} on instance {InstanceId} to {Phone}: {Category} (retryable: {Retryable}) \"{Error}\"; occurrence {Occurrences}, dequeue count {DequeueCount}, request {RequestId}")]
    private static partial void LogErroredSend(
        ILogger logger, string messageId, string instanceId, string phone, string category, bool retryable, string error,
        int occurrences, long dequeueCount, string requestId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Errored send {MessageId} on instance {InstanceId} failed try {DequeueCount} ({Error}), request {RequestId}: retried until host.json's maxDequeueCount, then kept as a dead letter")]
    private static partial void LogTryFailed(ILogger logger, string messageId, string instanceId, long dequeueCount, string error, string requestId);

    [GeneratedRegex("[0-9]{8,}")]
    private static partial Regex LongDigitRun();
}
