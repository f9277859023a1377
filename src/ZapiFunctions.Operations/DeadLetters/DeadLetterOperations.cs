using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.DeadLetters;

/// <summary>
/// <c>zapi poison peek|replay</c>: the messages that failed every try, from the one place they are kept, the
/// dead-letters table (<see cref="DeadLetterStore"/>, rows of the main queue's partition), where the DeadLetter
/// function moves them from the poison queue. Replay sends first and deletes the row second, so an interruption
/// duplicates, never loses.
/// </summary>
/// <param name="mainQueue">The queue messages go back to (Base64, like the app's client).</param>
/// <param name="deadLetters">The dead-letters table.</param>
/// <param name="mainQueueTimeToLive">The main queue's configured time-to-live (negative: never expire).</param>
public sealed class DeadLetterOperations(QueueClient mainQueue, DeadLetterStore deadLetters, TimeSpan mainQueueTimeToLive)
{
    /// <summary>The queue messages go back to.</summary>
    public string MainQueueName => mainQueue.Name;

    /// <summary>The dead-letters table.</summary>
    public string TableName => deadLetters.TableName;

    /// <summary>Up to <paramref name="max"/> dead letters, oldest first, without taking them.</summary>
    public async Task<IReadOnlyList<DeadLetterItem>> PeekAsync(int max, CancellationToken cancellationToken) =>
        [.. (await deadLetters.ListAsync(mainQueue.Name, cancellationToken)).Take(Math.Max(1, max)).Select(DeadLetterItem.FromRow)];

    /// <summary>
    /// Sends dead letters back to the main queue, with its time-to-live: all of them, or those whose id is in
    /// <paramref name="ids"/>. Each is sent once, then its row is deleted, so a second replay finds nothing. If a delete
    /// fails the message is in the main queue and still kept: <see cref="ReplayInterruptedException"/> (a later replay
    /// duplicates it, nothing is lost).
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(IReadOnlySet<string>? ids, CancellationToken cancellationToken)
    {
        var rows = await deadLetters.ListAsync(mainQueue.Name, cancellationToken);
        var replayed = new List<string>();
        foreach (var row in rows.Where(r => ids is null || ids.Contains(r.RowKey)))
        {
            await SendAsync(BinaryData.FromString(row.Envelope), cancellationToken);
            await DeleteRowAsync(row, replayed.Count, cancellationToken);
            replayed.Add(row.RowKey);
        }

        return new ReplayResult(replayed, ids?.Where(id => !replayed.Contains(id)).ToList() ?? []);
    }

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
}

/// <summary>One dead letter: a row of the dead-letters table, decoded.</summary>
/// <param name="Row">The dead-letters row; its <c>RowKey</c> is what <c>zapi poison replay --id</c> takes.</param>
/// <param name="Envelope">The envelope, when the body is one.</param>
/// <param name="Problem">Why the body is not a readable envelope, when it is not.</param>
public sealed record DeadLetterItem(DeadLetterEntity Row, CallbackEnvelope? Envelope, string? Problem)
{
    /// <summary>What <c>zapi poison replay --id</c> takes.</summary>
    public string Id => Row.RowKey;

    internal static DeadLetterItem FromRow(DeadLetterEntity row)
    {
        try
        {
            return new DeadLetterItem(row, EnvelopeReader.Read(BinaryData.FromString(row.Envelope)), null);
        }
        catch (InvalidEnvelopeException ex)
        {
            return new DeadLetterItem(row, null, ex.Message);
        }
    }
}
