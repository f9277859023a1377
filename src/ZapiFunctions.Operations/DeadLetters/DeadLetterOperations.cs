using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.DeadLetters;

/// <summary>
/// <c>zapi poison peek|replay</c>: the messages that failed their last try, from both places they are kept — the
/// dead-letters table (<see cref="DeadLetterStore"/>, rows of the main queue's partition) and the main queue's
/// <c>-poison</c> queue. A row and a poison message with the same body are one dead letter (the app keeps the row, then
/// the runtime moves the message): peek shows it once and replay sends it back once, then deletes both. Replay sends
/// first and deletes second (the poison message, then the row), so an interruption duplicates, never loses.
/// </summary>
/// <param name="mainQueue">The queue messages go back to (Base64, like the app's client).</param>
/// <param name="poisonQueue">Its poison queue.</param>
/// <param name="deadLetters">The dead-letters table.</param>
/// <param name="mainQueueTimeToLive">The main queue's configured time-to-live (negative: never expire).</param>
public sealed class DeadLetterOperations(
    QueueClient mainQueue, QueueClient poisonQueue, DeadLetterStore deadLetters, TimeSpan mainQueueTimeToLive)
{
    /// <summary>The queue messages go back to.</summary>
    public string MainQueueName => mainQueue.Name;

    /// <summary>The poison queue.</summary>
    public string PoisonQueueName => poisonQueue.Name;

    /// <summary>The dead-letters table.</summary>
    public string TableName => deadLetters.TableName;

    /// <summary>
    /// Up to <paramref name="max"/> dead letters, oldest first, without taking them: the table's rows (with their poison
    /// message, when one has the same body), then poison messages without a row. A peek sees at most the first 32
    /// visible poison messages (a Storage limit).
    /// </summary>
    public async Task<IReadOnlyList<DeadLetterItem>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        var rows = await deadLetters.ListAsync(mainQueue.Name, cancellationToken);
        var waiting = new Waiting(rows);
        var poisoned = await poisonQueue.ExistsAsync(cancellationToken)
            ? (await poisonQueue.PeekMessagesAsync(32, cancellationToken)).Value
            : [];

        var paired = new Dictionary<DeadLetterEntity, PeekedMessage>();
        var alone = new List<DeadLetterItem>();
        foreach (var message in poisoned)
        {
            if (waiting.Take(message.Body.ToString()) is { } row)
            {
                paired[row] = message;
            }
            else
            {
                alone.Add(DeadLetterItem.FromPoison(message.MessageId, message.InsertedOn, message.Body.ToString()));
            }
        }

        return
        [
            .. rows.Select(row => DeadLetterItem.FromRow(row, paired.TryGetValue(row, out var m) ? m.MessageId : null, paired.GetValueOrDefault(row)?.InsertedOn))
                .Concat(alone)
                .OrderBy(item => item.At ?? DateTimeOffset.MaxValue)
                .Take(Math.Max(1, max)),
        ];
    }

    /// <summary>
    /// Sends dead letters back to the main queue, with its time-to-live: all of them, or those whose id (the row's queue
    /// message id, or the poison message's id) is in <paramref name="ids"/>. Each is sent once, then its poison message
    /// and its row are deleted, so a second replay finds nothing. If a delete fails the message is in the main queue
    /// and still kept: <see cref="ReplayInterruptedException"/> (a later replay duplicates it, nothing is lost).
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(IReadOnlySet<string>? ids, CancellationToken cancellationToken)
    {
        var rows = await deadLetters.ListAsync(mainQueue.Name, cancellationToken);
        var waiting = new Waiting(rows);
        var replayed = new List<string>();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var poisonExists = await poisonQueue.ExistsAsync(cancellationToken);
        while (poisonExists)
        {
            var batch = (await poisonQueue.ReceiveMessagesAsync(32, PoisonMessageReplay.Lease, cancellationToken)).Value;
            if (!batch.Any(m => seen.Add(m.MessageId)))
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
                var row = waiting.Take(message.Body.ToString());
                if (!Selected(ids, message.MessageId, row))
                {
                    waiting.Return(row);
                    await PoisonMessageReplay.ReleaseAsync(poisonQueue, message, cancellationToken);
                    continue;
                }

                await SendAsync(message.Body, cancellationToken);
                await PoisonMessageReplay.DeleteCopiedAsync(
                    poisonQueue, message, mainQueue.Name, replayed.Count, cancellationToken);

                if (row is not null)
                {
                    await DeleteRowAsync(row, replayed.Count, cancellationToken);
                    matched.Add(row.RowKey);
                }

                matched.Add(message.MessageId);
                replayed.Add(row?.RowKey ?? message.MessageId);
            }

            if (ids is not null && ids.All(matched.Contains))
            {
                break;
            }
        }

        // Rows whose poison message is gone (expired after 7 days, replayed by hand) or not visible now.
        foreach (var row in waiting.Remaining().Where(r => Selected(ids, null, r)))
        {
            await SendAsync(BinaryData.FromString(row.Envelope), cancellationToken);
            await DeleteRowAsync(row, replayed.Count, cancellationToken);
            matched.Add(row.RowKey);
            replayed.Add(row.RowKey);
        }

        return new ReplayResult(replayed, ids?.Where(id => !matched.Contains(id)).ToList() ?? []);
    }

    private static bool Selected(IReadOnlySet<string>? ids, string? poisonMessageId, DeadLetterEntity? row) =>
        ids is null
        || (poisonMessageId is not null && ids.Contains(poisonMessageId))
        || (row is not null && ids.Contains(row.RowKey));

    private async Task SendAsync(BinaryData body, CancellationToken cancellationToken)
    {
        var ttl = QueueTimeToLive.ToSdk(mainQueueTimeToLive);
        try
        {
            await mainQueue.SendMessageAsync(body, visibilityTimeout: null, ttl, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound.ToString())
        {
            await mainQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await mainQueue.SendMessageAsync(body, visibilityTimeout: null, ttl, cancellationToken);
        }
    }

    private async Task DeleteRowAsync(DeadLetterEntity row, int replayedBefore, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.DeleteAsync(row, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ReplayInterruptedException(
                $"Message {row.RowKey} was copied back to {mainQueue.Name} but its row could not be deleted from {deadLetters.TableName} " +
                $"({StorageFailure.Describe(ex)}). A later replay sends it again as a duplicate; nothing was lost. " +
                $"{replayedBefore} message(s) were replayed before it.",
                ex);
        }
    }

    /// <summary>Rows not yet paired with a poison message, by body; a row is paired with at most one.</summary>
    private sealed class Waiting(IEnumerable<DeadLetterEntity> rows)
    {
        private readonly List<DeadLetterEntity> _rows = [.. rows];

        public DeadLetterEntity? Take(string body)
        {
            var index = _rows.FindIndex(r => string.Equals(r.Envelope, body, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var row = _rows[index];
            _rows.RemoveAt(index);
            return row;
        }

        public void Return(DeadLetterEntity? row)
        {
            if (row is not null)
            {
                _rows.Insert(0, row);
            }
        }

        public IReadOnlyList<DeadLetterEntity> Remaining() => [.. _rows];
    }
}

/// <summary>One dead letter: a row of the dead-letters table, its poison message, or both.</summary>
/// <param name="Id">What <c>zapi poison replay --id</c> takes: the row's queue message id, else the poison message's id.</param>
/// <param name="Row">The dead-letters row, when there is one.</param>
/// <param name="PoisonMessageId">The poison message's id, when there is one.</param>
/// <param name="At">When it was dead-lettered (the row), else when it entered the poison queue.</param>
/// <param name="Body">The message text.</param>
/// <param name="Envelope">The envelope, when the body is one.</param>
/// <param name="Problem">Why the body is not a readable envelope, when it is not.</param>
public sealed record DeadLetterItem(
    string Id, DeadLetterEntity? Row, string? PoisonMessageId, DateTimeOffset? At, string Body, CallbackEnvelope? Envelope, string? Problem)
{
    /// <summary>Where it is kept: <c>table+poison</c>, <c>table</c> or <c>poison</c>.</summary>
    public string KeptIn => Row is null ? "poison" : PoisonMessageId is null ? "table" : "table+poison";

    internal static DeadLetterItem FromRow(DeadLetterEntity row, string? poisonMessageId, DateTimeOffset? poisonInsertedOn)
    {
        var (envelope, problem) = Decode(row.Envelope);
        return new DeadLetterItem(row.RowKey, row, poisonMessageId, row.DeadLetteredAt, row.Envelope, envelope, problem)
        {
            PoisonInsertedOn = poisonInsertedOn,
        };
    }

    internal static DeadLetterItem FromPoison(string messageId, DateTimeOffset? insertedOn, string body)
    {
        var (envelope, problem) = Decode(body);
        return new DeadLetterItem(messageId, null, messageId, insertedOn, body, envelope, problem) { PoisonInsertedOn = insertedOn };
    }

    /// <summary>When its poison message entered the poison queue, when there is one.</summary>
    public DateTimeOffset? PoisonInsertedOn { get; init; }

    private static (CallbackEnvelope? Envelope, string? Problem) Decode(string body)
    {
        try
        {
            return (EnvelopeReader.Read(BinaryData.FromString(body)), null);
        }
        catch (InvalidEnvelopeException ex)
        {
            return (null, ex.Message);
        }
    }
}
