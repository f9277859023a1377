using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Privacy;

/// <summary>
/// The dead-letter table, as retention and erasure read it (<c>DeadLetterStore</c> writes it): partition = source queue
/// name, row = queue message id, columns <see cref="Envelope"/>, <c>Error</c>, <c>Attempts</c>, <see cref="DeadLetteredAt"/>, <c>InstanceId</c>,
/// <c>MessageId</c> and <see cref="Phone"/> (in full). A table that does not exist yet reads as empty.
/// </summary>
public static class DeadLetterTable
{
    /// <summary>The message body as it was on the queue.</summary>
    public const string Envelope = "Envelope";

    /// <summary>When the message was moved to the table: what retention counts from.</summary>
    public const string DeadLetteredAt = "DeadLetteredAt";

    /// <summary>The callback's phone, in full: what erasure matches.</summary>
    public const string Phone = "Phone";

    /// <summary>The table's name for these settings (<c>Zapi__DeadLettersTable</c>).</summary>
    public static string Name(ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DeadLettersTable;
    }
}
