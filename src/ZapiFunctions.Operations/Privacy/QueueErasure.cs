using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.Privacy;

/// <summary>
/// Finds the messages of one queue whose envelope matches, by receiving every visible message in batches of 32 with a
/// short visibility timeout (<see cref="Lease"/>): matching ones are deleted (kept in a dry run), the others are
/// released (visibility 0) once the whole queue has been read, so each receive brings messages not seen yet (should the
/// scan fail half-way, they reappear when their lease ends). A message that is not an envelope is left alone and
/// counted as skipped. Messages being processed at the time are invisible and cannot be seen; each receive counts as one
/// delivery of the message (its dequeue count goes up by one).
/// </summary>
internal static class QueueErasure
{
    /// <summary>How long a message read by the scan stays hidden from the app and consumers at most.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private const int Batch = 32;

    /// <summary>
    /// Deletes (or counts, with <paramref name="dryRun"/>) the messages of <paramref name="queue"/> whose envelope
    /// <paramref name="matches"/>. <paramref name="queue"/> must not decode Base64 (<see cref="QueueMessageEncoding.None"/>),
    /// so that a message in another encoding is skipped instead of failing the whole receive.
    /// </summary>
    public static async Task<ErasedStore> EraseAsync(
        QueueClient queue, Func<CallbackEnvelope, bool> matches, bool dryRun, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var release = new Dictionary<string, string>(StringComparer.Ordinal); // message id → latest pop receipt
        var matched = 0;
        var skipped = 0;
        var staleBatches = 0;
        while (true)
        {
            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(Batch, Lease, cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return new ErasedStore(queue.Name, PersonalDataStore.Queue, Exists: false, 0, 0);
            }

            var fresh = 0;
            foreach (var message in batch)
            {
                if (!seen.Add(message.MessageId))
                {
                    // Read before and visible again (its lease ran out): hidden again by this receive, released at the end
                    // with its new receipt.
                    release[message.MessageId] = message.PopReceipt;
                    continue;
                }

                fresh++;
                var envelope = TryRead(message.Body);
                if (envelope is null)
                {
                    skipped++;
                }
                else if (matches(envelope))
                {
                    matched++;
                    if (!dryRun)
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        continue;
                    }
                }

                release[message.MessageId] = message.PopReceipt;
            }

            // Done when the queue has nothing visible left. A batch of messages already read means the scan outlasted
            // their lease (the receive hid them again); once more such batches came in a row than the messages read
            // could fill, nothing new is coming.
            staleBatches = fresh > 0 ? 0 : staleBatches + 1;
            if (batch.Length == 0 || staleBatches > (seen.Count / Batch) + 1)
            {
                break;
            }
        }

        foreach (var (messageId, popReceipt) in release)
        {
            try
            {
                await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 400)
            {
                // Gone, or received again by someone else after the lease: it is visible to them already.
            }
        }

        return new ErasedStore(queue.Name, PersonalDataStore.Queue, Exists: true, matched, skipped);
    }

    /// <summary>The envelope in <paramref name="body"/>, Base64 (as the app writes) or plain JSON; null when it is not one.</summary>
    private static CallbackEnvelope? TryRead(BinaryData body)
    {
        var text = body.ToString();
        var decoded = new byte[text.Length];
        if (Convert.TryFromBase64String(text, decoded, out var length) && TryEnvelope(new BinaryData(decoded.AsMemory(0, length))) is { } envelope)
        {
            return envelope;
        }

        return TryEnvelope(body);
    }

    private static CallbackEnvelope? TryEnvelope(BinaryData data)
    {
        try
        {
            return EnvelopeReader.Read(data);
        }
        catch (InvalidEnvelopeException)
        {
            return null;
        }
    }
}
