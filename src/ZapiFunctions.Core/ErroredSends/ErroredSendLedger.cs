using Azure;
using Azure.Data.Tables;
using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Records errored sends in Azure Tables, idempotently and without lost updates: inserts race on the key
/// (409 → read and update) and updates are conditional on the ETag (412 → read again and retry).
/// </summary>
public sealed class ErroredSendLedger(TableClient table, TimeProvider time)
{
    /// <summary>
    /// How many counted request ids a row remembers: Z-API reporting one message more often than this is unlikely,
    /// and 64 ids of 32 characters stay far below a table property's 64 KiB.
    /// </summary>
    public const int RememberedRequests = 64;

    private const int MaxAttempts = 16;

    /// <summary>The table this ledger writes.</summary>
    public string TableName => table.Name;

    /// <summary>Creates the table if it does not exist.</summary>
    public Task EnsureTableAsync(CancellationToken cancellationToken) =>
        table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>
    /// Adds one occurrence of <paramref name="callback"/> reported by ingest request <paramref name="requestId"/>,
    /// received at <paramref name="receivedAt"/> (its event time when the callback has no <c>momment</c>). One row per
    /// instance (<see cref="TableKeys.NoInstance"/> when the callback names none) and message id (<c>messageId</c>,
    /// else <c>zaapId</c>). A second call for the same request (a queue redelivery) changes nothing.
    /// </summary>
    public async Task<LedgerRecord> RecordAsync(
        DeliveryCallback callback,
        ErrorClassification classification,
        string requestId,
        DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(classification);
        var partitionKey = TableKeys.Encode(callback.InstanceId ?? TableKeys.NoInstance);
        var rowKey = TableKeys.Encode(callback.Id);

        // Most failures are reported once: try the insert first, and read only when the row already exists.
        ErroredSendEntity? existing = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            if (existing is null)
            {
                var entity = new ErroredSendEntity
                {
                    PartitionKey = partitionKey,
                    RowKey = rowKey,
                    FirstSeen = now,
                    FirstRequestId = requestId,
                    Occurrences = 1,
                };
                Apply(entity, callback, classification, requestId, receivedAt, now);
                try
                {
                    var added = await table.AddEntityAsync(entity, cancellationToken);
                    entity.ETag = added.Headers.ETag ?? default;
                    return new LedgerRecord(entity, Counted: true);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Already recorded (earlier, or by a concurrent instance): read it and update.
                    existing = await GetAsync(partitionKey, rowKey, cancellationToken);
                    continue;
                }
                catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
                {
                    // Created at start-up normally; this covers a start-up while storage was down.
                    await table.CreateIfNotExistsAsync(cancellationToken);
                    continue;
                }
            }

            if (AlreadyCounted(existing, requestId))
            {
                return new LedgerRecord(existing, Counted: false);
            }

            existing.Occurrences++;
            Apply(existing, callback, classification, requestId, receivedAt, now);
            try
            {
                var updated = await table.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                existing.ETag = updated.Headers.ETag ?? default;
                return new LedgerRecord(existing, Counted: true);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Someone updated the row since we read it: read again and reapply.
                existing = await GetAsync(partitionKey, rowKey, cancellationToken);
            }
        }

        throw new InvalidOperationException(
            $"Could not record errored send {rowKey} of instance {partitionKey} after {MaxAttempts} concurrent-update attempts.");
    }

    /// <summary>Marks the row notified, keeping any concurrent counting (ETag-conditional merge, retried on 412).</summary>
    public async Task MarkNotifiedAsync(ErroredSendEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var current = entity;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (current.NotifiedAt is not null)
            {
                return;
            }

            var patch = new TableEntity(current.PartitionKey, current.RowKey)
            {
                [nameof(ErroredSendEntity.NotifiedAt)] = time.GetUtcNow(),
            };
            try
            {
                await table.UpdateEntityAsync(patch, current.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                current = await GetAsync(current.PartitionKey, current.RowKey, cancellationToken)
                    ?? throw new InvalidOperationException($"Errored send {current.RowKey} disappeared while being marked notified.");
            }
        }

        throw new InvalidOperationException($"Could not mark errored send {entity.RowKey} notified after {MaxAttempts} attempts.");
    }

    private async Task<ErroredSendEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<ErroredSendEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static void Apply(
        ErroredSendEntity entity,
        DeliveryCallback callback,
        ErrorClassification classification,
        string requestId,
        DateTimeOffset receivedAt,
        DateTimeOffset now)
    {
        entity.InstanceId = Column(callback.InstanceId) ?? string.Empty;
        entity.PathInstanceId = Column(callback.PathInstanceId);
        entity.MessageId = Column(callback.MessageId) ?? string.Empty;
        entity.ZaapId = Column(callback.ZaapId) ?? string.Empty;
        entity.CustomId = Column(callback.CustomId);
        entity.Phone = Column(callback.Phone) ?? string.Empty;
        entity.Error = Column(callback.Error);
        entity.ErrorCode = Column(callback.ErrorCode);
        entity.Category = classification.Category;
        entity.Retryable = classification.Retryable;
        entity.Advice = classification.Advice;
        entity.Momment = callback.EventTime(receivedAt);
        entity.LastSeen = now;
        entity.LastRequestId = requestId;
        var counted = entity.CountedRequestIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        entity.CountedRequestIds = string.Join(' ', counted.Append(requestId).TakeLast(RememberedRequests));
    }

    /// <summary>
    /// A sender's text as a column: a table string holds at most 32K characters, so a longer one is cut (with the
    /// text element kept whole) rather than failing the row on every try.
    /// </summary>
    private static string? Column(string? value)
    {
        const int max = 16 * 1024;
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var cut = max;
        if (char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return string.Concat(value.AsSpan(0, cut), "…");
    }

    /// <summary>A redelivery of a request this row already counted (rows written before the list existed: first or last).</summary>
    private static bool AlreadyCounted(ErroredSendEntity entity, string requestId) =>
        entity.LastRequestId == requestId
        || entity.FirstRequestId == requestId
        || entity.CountedRequestIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(requestId, StringComparer.Ordinal);
}
