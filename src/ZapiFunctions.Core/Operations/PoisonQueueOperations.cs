using Azure.Storage.Queues;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Operations;

/// <summary>
/// Inspects the poison queue and moves messages back to the queue they came from, with that queue's time-to-live
/// (<paramref name="mainQueueTimeToLive"/>, as configured; default never expire). <c>zapi poison</c> uses
/// <see cref="DeadLetterOperations"/>, which also covers the dead-letters table.
/// </summary>
public sealed class PoisonQueueOperations(QueueClient mainQueue, QueueClient poisonQueue, TimeSpan? mainQueueTimeToLive = null)
{
    /// <summary>The queue messages go back to.</summary>
    public string MainQueueName => mainQueue.Name;

    /// <summary>The poison queue.</summary>
    public string PoisonQueueName => poisonQueue.Name;

    /// <summary>Shows up to <paramref name="max"/> (1–32) poison messages without taking them.</summary>
    public async Task<IReadOnlyList<PoisonMessage>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        if (!await poisonQueue.ExistsAsync(cancellationToken))
        {
            return [];
        }

        var peeked = await poisonQueue.PeekMessagesAsync(Math.Clamp(max, 1, 32), cancellationToken);
        return peeked.Value.Select(m => Decode(m.MessageId, m.InsertedOn, m.Body)).ToList();
    }

    /// <summary>
    /// Moves poison messages back to the main queue: all of them, or those in <paramref name="ids"/>. Each is sent to
    /// the main queue first and deleted from the poison queue second, so an interruption duplicates, never loses.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(IReadOnlySet<string>? ids, CancellationToken cancellationToken)
    {
        var replayed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!await poisonQueue.ExistsAsync(cancellationToken))
        {
            return new ReplayResult(replayed, ids?.ToList() ?? []);
        }

        while (true)
        {
            var batch = (await poisonQueue.ReceiveMessagesAsync(32, PoisonMessageReplay.Lease, cancellationToken)).Value;
            var fresh = batch.Where(m => seen.Add(m.MessageId)).ToList();
            if (fresh.Count == 0)
            {
                // Nothing left, or only messages already passed over: release those and stop.
                foreach (var message in batch)
                {
                    await PoisonMessageReplay.ReleaseAsync(poisonQueue, message, cancellationToken);
                }

                break;
            }

            foreach (var message in batch)
            {
                if (ids is not null && !ids.Contains(message.MessageId))
                {
                    await PoisonMessageReplay.ReleaseAsync(poisonQueue, message, cancellationToken);
                    continue;
                }

                await mainQueue.SendMessageAsync(
                    message.Body, visibilityTimeout: null, QueueTimeToLive.ToSdk(mainQueueTimeToLive ?? QueueTimeToLive.Never), cancellationToken);
                // The failure as the exception states it, as this class has always reported it (DeadLetterOperations,
                // which the CLI uses, reports it in one line).
                await PoisonMessageReplay.DeleteCopiedAsync(
                    poisonQueue, message, mainQueue.Name, replayed.Count, ex => ex.Message, cancellationToken);

                replayed.Add(message.MessageId);
            }

            if (ids is not null && ids.All(replayed.Contains))
            {
                break;
            }
        }

        return new ReplayResult(replayed, ids?.Where(id => !replayed.Contains(id)).ToList() ?? []);
    }

    private static PoisonMessage Decode(string messageId, DateTimeOffset? insertedOn, BinaryData body)
    {
        try
        {
            return new PoisonMessage(messageId, insertedOn, body.ToString(), EnvelopeReader.Read(body), null);
        }
        catch (InvalidEnvelopeException ex)
        {
            return new PoisonMessage(messageId, insertedOn, body.ToString(), null, ex.Message);
        }
    }
}
