using Azure;
using Azure.Data.Tables;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// One row of the <c>ZapiDeadLetters</c> table: a queue message that failed every try, kept until it is replayed
/// (<c>zapi poison replay</c>) or erased. PartitionKey is the queue it came from (e.g. <c>zapi-errored-sends</c>),
/// RowKey its poison message's id. The column names are a contract other parts of the app rely on.
/// </summary>
public sealed class DeadLetterEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The queue message body as text, exactly as the function received it (a callback envelope, or not).</summary>
    public string Envelope { get; set; } = string.Empty;

    /// <summary>
    /// Why the last try failed, in rows kept before the DeadLetter function existed; empty now, since a poison
    /// message carries no error (each failed try's error is logged with the callback's id: EventId 3003).
    /// </summary>
    public string Error { get; set; } = string.Empty;

    public DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>The callback's <c>instanceId</c>, when the envelope could be read; empty otherwise.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>The callback's <c>messageId</c> (Z-API's), when the envelope could be read; empty otherwise.</summary>
    public string MessageId { get; set; } = string.Empty;

    /// <summary>The callback's phone in full (personal data), when the envelope could be read; empty otherwise.</summary>
    public string Phone { get; set; } = string.Empty;
}
