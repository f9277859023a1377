using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.DeadLetters;

/// <summary>
/// What a replay (<see cref="DeadLetterOperations"/>) does with one poison message it received: hand it back
/// untouched, or delete it once it is copied to the main queue; the lease and the "nothing was lost" message live
/// beside each other here.
/// </summary>
internal static class PoisonMessageReplay
{
    /// <summary>How long a poison message being replayed is hidden from other readers.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>Makes a received message visible again at once, for a message not replayed.</summary>
    public static async Task ReleaseAsync(QueueClient poisonQueue, QueueMessage message, CancellationToken cancellationToken) =>
        await poisonQueue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);

    /// <summary>
    /// Deletes <paramref name="message"/>, already copied back to <paramref name="mainQueueName"/>; if that fails, throws
    /// <see cref="ReplayInterruptedException"/> saying it will reappear after <see cref="Lease"/> as a duplicate, with
    /// the failure in one line and the count replayed before it.
    /// </summary>
    public static async Task DeleteCopiedAsync(
        QueueClient poisonQueue,
        QueueMessage message,
        string mainQueueName,
        int replayedBefore,
        CancellationToken cancellationToken)
    {
        try
        {
            await poisonQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ReplayInterruptedException(
                $"Message {message.MessageId} was copied back to {mainQueueName} but could not be deleted from {poisonQueue.Name} " +
                $"({StorageFailure.Describe(ex)}). It will reappear in {poisonQueue.Name} in {Lease.TotalSeconds:0} s as a duplicate; nothing was lost. " +
                $"{replayedBefore} message(s) were replayed before it.",
                ex);
        }
    }
}
