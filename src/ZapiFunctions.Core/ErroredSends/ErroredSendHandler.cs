using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// What both hosts run for one message of the errored-sends queue: <see cref="ErroredSendProcessor"/>, and on the last
/// try (dequeue count = <c>maxDequeueCount</c>), when processing throws, the message, its error and its tries are kept
/// in the dead-letters table (<see cref="DeadLetterStore"/>) before the exception is rethrown, so the runtime still
/// moves the message to <c>&lt;queue&gt;-poison</c>. The poison queue expires messages after 7 days; the table does
/// not, so nothing depends on that.
/// </summary>
public sealed partial class ErroredSendHandler(
    ErroredSendProcessor processor, DeadLetterStore deadLetters, IOptions<ZapiOptions> options, ILogger<ErroredSendHandler> logger)
{
    /// <summary>
    /// Processes queue message <paramref name="queueMessageId"/>; rethrows whatever processing throws, after keeping the
    /// message as a dead letter when <paramref name="dequeueCount"/> has reached <paramref name="maxDequeueCount"/>.
    /// </summary>
    public async Task<ErroredSendOutcome> HandleAsync(
        string queueMessageId, BinaryData body, long dequeueCount, int maxDequeueCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueMessageId);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await processor.ProcessAsync(body, dequeueCount, cancellationToken);
        }
        catch (Exception ex) when (dequeueCount >= maxDequeueCount && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await KeepAsync(queueMessageId, body, ex, dequeueCount, maxDequeueCount, cancellationToken);
            throw;
        }
    }

    private async Task KeepAsync(
        string queueMessageId, BinaryData body, Exception error, long dequeueCount, int maxDequeueCount, CancellationToken cancellationToken)
    {
        var queue = options.Value.ErroredSendsQueue;
        try
        {
            var row = await deadLetters.WriteAsync(queue, queueMessageId, body, error, dequeueCount, cancellationToken);
            LogKept(logger, queueMessageId, queue, dequeueCount, maxDequeueCount, deadLetters.TableName, row.Error);
        }
#pragma warning disable CA1031 // The processing failure is what the runtime must see; this one is logged with it.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogNotKept(logger, queueMessageId, queue, dequeueCount, maxDequeueCount, deadLetters.TableName, StorageFailure.Describe(ex));
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Message {QueueMessageId} on {Queue} failed its last try ({DequeueCount} of {MaxDequeueCount}): kept in table {Table} as a dead letter ({Error}); 'zapi poison replay' sends it back")]
    private static partial void LogKept(
        ILogger logger, string queueMessageId, string queue, long dequeueCount, int maxDequeueCount, string table, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error,
        Message = "Message {QueueMessageId} on {Queue} failed its last try ({DequeueCount} of {MaxDequeueCount}) and could not be kept in table {Table} ({Reason}): it is only in the poison queue, which expires it after 7 days")]
    private static partial void LogNotKept(
        ILogger logger, string queueMessageId, string queue, long dequeueCount, int maxDequeueCount, string table, string reason);
}
