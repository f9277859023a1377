namespace ZapiFunctions.Core.ErroredSends;

/// <summary>The stable category names. Renaming one breaks saved queries, alerts and dashboards.</summary>
public static class ErrorCategories
{
    /// <summary>WhatsApp or the contact does not allow this send (privacy, blocks, group permissions, account restrictions).</summary>
    public const string SendingRestricted = "sending-restricted";

    /// <summary>A temporary restriction on the sending account, such as a likely shadow ban.</summary>
    public const string TemporaryRestriction = "temporary-restriction";

    /// <summary>The instance's connection to WhatsApp failed or timed out.</summary>
    public const string Connection = "connection";

    /// <summary>The destination is not on WhatsApp or the number is malformed.</summary>
    public const string InvalidNumber = "invalid-number";

    /// <summary>The media URL or file could not be used.</summary>
    public const string Media = "media";

    /// <summary>An edit or comment came after WhatsApp's 7-day limit.</summary>
    public const string TimeLimit = "time-limit";

    /// <summary>Product or catalogue message with a product or catalogue that does not exist or is not allowed.</summary>
    public const string Catalog = "catalog";

    /// <summary>Order message with invalid data.</summary>
    public const string Order = "order";

    /// <summary>Event or newsletter message with missing or invalid data.</summary>
    public const string Event = "event";

    /// <summary>The request referred to something missing or had invalid parameters.</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>The message type cannot be sent to a channel (newsletter).</summary>
    public const string NotAvailableToChannels = "not-available-to-channels";

    /// <summary>Z-API accepted the send but could not queue it.</summary>
    public const string Queue = "queue";

    /// <summary>Not in the catalogue; the raw text is kept.</summary>
    public const string Unknown = "unknown";

    /// <summary>Every category, in the order above: what <c>zapi errored list --category</c> accepts.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SendingRestricted, TemporaryRestriction, Connection, InvalidNumber, Media, TimeLimit, Catalog, Order, Event,
        InvalidRequest, NotAvailableToChannels, Queue, Unknown,
    ];
}
