using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// The <c>ZapiDeadLetters</c> table (<see cref="DeadLetterEntity"/>): where a message that failed every try is kept,
/// moved out of the poison queue (which would expire it after 7 days) by the DeadLetter function. Tables do not
/// expire rows.
/// </summary>
public sealed class DeadLetterStore(TableClient table)
{
    /// <summary>The table this store writes.</summary>
    public string TableName => table.Name;

    /// <summary>Creates the table if it does not exist.</summary>
    public Task EnsureTableAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>
    /// Keeps queue message <paramref name="queueMessageId"/> of <paramref name="sourceQueue"/>'s poison queue. Writing
    /// the same message again replaces its row, so a retried DeadLetter run leaves one row.
    /// </summary>
    public async Task<DeadLetterEntity> WriteAsync(
        string sourceQueue, string queueMessageId, BinaryData body, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceQueue);
        ArgumentException.ThrowIfNullOrEmpty(queueMessageId);
        ArgumentNullException.ThrowIfNull(body);
        var text = body.ToString();
        var callback = CallbackFields.Read(text);
        var entity = new DeadLetterEntity
        {
            PartitionKey = sourceQueue,
            RowKey = TableKeys.Encode(queueMessageId),
            Envelope = text,
            DeadLetteredAt = deadLetteredAt,
            InstanceId = callback.InstanceId,
            MessageId = callback.MessageId,
            Phone = callback.Phone,
        };

        try
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
        {
            // Created at start-up normally; this covers a start-up while storage was down.
            await table.CreateIfNotExistsAsync(cancellationToken);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }

        return entity;
    }

    /// <summary>The dead letters of <paramref name="sourceQueue"/>, oldest first; none when the table does not exist yet.</summary>
    public async Task<IReadOnlyList<DeadLetterEntity>> ListAsync(string sourceQueue, CancellationToken cancellationToken)
    {
        var rows = new List<DeadLetterEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<DeadLetterEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {sourceQueue}"), cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        return [.. rows.OrderBy(r => r.DeadLetteredAt).ThenBy(r => r.RowKey, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes <paramref name="row"/> if it is unchanged since read (its ETag); false when it was already gone.
    /// Throws when it changed meanwhile or storage fails.
    /// </summary>
    public async Task<bool> DeleteAsync(DeadLetterEntity row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// The callback's instance (the body's, else the per-instance URL's), id (messageId, else zaapId) and phone, read
    /// as the processor reads them; empty when the message is not an envelope with a readable callback.
    /// </summary>
    private sealed record CallbackFields(string InstanceId, string MessageId, string Phone)
    {
        private static readonly CallbackFields None = new(string.Empty, string.Empty, string.Empty);

        public static CallbackFields Read(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("callback", out var callback))
                {
                    return None;
                }

                var pathInstanceId = root.TryGetProperty("pathInstanceId", out var path) && path.ValueKind == JsonValueKind.String
                    ? path.GetString()
                    : null;
                return CallbackParser.Parse(callback, pathInstanceId).Callback is { } parsed
                    ? new CallbackFields(parsed.InstanceId ?? string.Empty, parsed.Id, parsed.Phone ?? string.Empty)
                    : None;
            }
            catch (JsonException)
            {
                return None;
            }
        }
    }
}
