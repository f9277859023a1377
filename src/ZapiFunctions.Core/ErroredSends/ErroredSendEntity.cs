using Azure;
using Azure.Data.Tables;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// One row of the <c>ZapiErroredSends</c> table: one failed message (partition = instanceId, or
/// <see cref="TableKeys.NoInstance"/> when the callback named none; row = messageId, or zaapId when there is none;
/// both through <see cref="TableKeys.Encode"/>), however often Z-API reported it.
/// </summary>
public sealed class ErroredSendEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string InstanceId { get; set; } = string.Empty;

    public string MessageId { get; set; } = string.Empty;

    public string ZaapId { get; set; } = string.Empty;

    /// <summary>The team's own id from the send call (<c>customId</c>), when it set one: how it asks about an order.</summary>
    public string? CustomId { get; set; }

    /// <summary>The id in the per-instance URL the callback came to, when it came to one.</summary>
    public string? PathInstanceId { get; set; }

    /// <summary>The destination, in full: the team needs it to act. Logs carry it masked only.</summary>
    public string Phone { get; set; } = string.Empty;

    /// <summary>Z-API's error text exactly as sent (latest occurrence).</summary>
    public string? Error { get; set; }

    public string? ErrorCode { get; set; }

    public string Category { get; set; } = ErrorCategories.Unknown;

    public bool Retryable { get; set; }

    public string Advice { get; set; } = string.Empty;

    /// <summary>The event time of the latest occurrence, Unix milliseconds: the callback's <c>momment</c>, else when it was received.</summary>
    public long Momment { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>How many distinct ingest requests reported this failure.</summary>
    public int Occurrences { get; set; }

    /// <summary>
    /// The ingest request that created the row. Only its processing (including its retries) notifies the team, so
    /// concurrent repeats never notify twice.
    /// </summary>
    public string FirstRequestId { get; set; } = string.Empty;

    /// <summary>The ingest request last counted.</summary>
    public string LastRequestId { get; set; } = string.Empty;

    /// <summary>
    /// The ingest requests counted so far (space-separated, the most recent <see cref="ErroredSendLedger.RememberedRequests"/>),
    /// so a queue redelivery of any of them — not only of the last — is not counted again (a lease that expired after
    /// a crash, or a replay, can bring an older request back after a newer one).
    /// </summary>
    public string CountedRequestIds { get; set; } = string.Empty;

    /// <summary>When the team's endpoint acknowledged the notification; null while none succeeded.</summary>
    public DateTimeOffset? NotifiedAt { get; set; }
}
