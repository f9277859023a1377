using Azure;
using Azure.Storage.Queues;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// Moves what <c>ZapiFallbackStorage</c> holds back to the primary storage: for each ingest queue on the fallback,
/// receive a batch, send each message to the same queue on the primary, then delete it from the fallback. Sending first
/// and deleting second means an interruption duplicates a message (processing is idempotent by instance and message
/// id), never loses one; running it again after it finished moves nothing.
/// </summary>
public sealed class FallbackDrain
{
    /// <summary>How long a message being moved is hidden from other readers of the fallback.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private const int BatchSize = 32;

    private readonly IQueueWriter _primary;
    private readonly QueueServiceClient _fallback;

    /// <param name="primary">Writes to the primary storage only (not the fallback-aware writer).</param>
    /// <param name="fallback">The fallback account's queues, with the app's Base64 message encoding.</param>
    /// <param name="queues">The ingest queues, in the order they are drained.</param>
    public FallbackDrain(IQueueWriter primary, QueueServiceClient fallback, IReadOnlyList<string> queues)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentNullException.ThrowIfNull(queues);
        _primary = primary;
        _fallback = fallback;
        Queues = queues;
    }

    /// <summary>The queues drained, in order.</summary>
    public IReadOnlyList<string> Queues { get; }

    /// <summary>How many messages each queue on the fallback holds (storage's approximate count; 0 when it does not exist).</summary>
    public async Task<IReadOnlyList<QueueCount>> CountAsync(CancellationToken cancellationToken)
    {
        var counts = new List<QueueCount>();
        foreach (var queue in Queues)
        {
            try
            {
                var properties = await _fallback.GetQueueClient(queue).GetPropertiesAsync(cancellationToken);
                counts.Add(new QueueCount(queue, properties.Value.ApproximateMessagesCount));
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                counts.Add(new QueueCount(queue, 0));
            }
        }

        return counts;
    }

    /// <summary>
    /// Moves every message of every queue, returning how many each queue gave back. A failure to send stops the drain
    /// (the rest stays on the fallback, visible again at once); a failure to delete after sending leaves a duplicate. Both throw
    /// <see cref="ReplayInterruptedException"/> saying so, with the count moved before.
    /// </summary>
    public async Task<IReadOnlyList<QueueCount>> DrainAsync(CancellationToken cancellationToken)
    {
        var moved = new List<QueueCount>();
        foreach (var queue in Queues)
        {
            moved.Add(new QueueCount(queue, await DrainQueueAsync(queue, moved.Sum(m => m.Messages), cancellationToken)));
        }

        return moved;
    }

    private async Task<long> DrainQueueAsync(string queue, long movedBefore, CancellationToken cancellationToken)
    {
        var source = _fallback.GetQueueClient(queue);
        var moved = 0L;
        while (true)
        {
            Azure.Storage.Queues.Models.QueueMessage[] batch;
            try
            {
                batch = (await source.ReceiveMessagesAsync(BatchSize, Lease, cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return moved; // Never created on the fallback: nothing to move.
            }

            if (batch.Length == 0)
            {
                return moved;
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var message = batch[i];
                try
                {
                    await _primary.EnqueueAsync(queue, message.Body, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    await ReleaseAsync(source, batch[i..]);
                    throw new ReplayInterruptedException(
                        $"Could not send a message of {queue} to the primary storage ({StorageFailure.Describe(ex)}); " +
                        $"{movedBefore + moved} message(s) were moved before it and the rest stay on {FallbackStorage.SettingName}: run the drain again once the primary answers.",
                        ex);
                }

                try
                {
                    await source.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw new ReplayInterruptedException(
                        $"Message {message.MessageId} was copied to {queue} on the primary storage but could not be deleted from {FallbackStorage.SettingName} " +
                        $"({StorageFailure.Describe(ex)}); the next drain moves it again, a duplicate that processing tolerates; nothing was lost. " +
                        $"{movedBefore + moved} message(s) were moved before it.",
                        ex);
                }

                moved++;
            }
        }
    }

    /// <summary>Makes messages taken but not moved visible again at once (best effort: otherwise they return after the lease).</summary>
    private static async Task ReleaseAsync(QueueClient source, IEnumerable<Azure.Storage.Queues.Models.QueueMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await source.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }
#pragma warning disable CA1031 // Best effort: a message not released reappears by itself when its lease ends.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
