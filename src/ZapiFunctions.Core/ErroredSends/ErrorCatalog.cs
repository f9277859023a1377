namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Z-API's documented DeliveryCallback send errors (developer.z-api.io, "On Send callback examples", EN and PT pages,
/// as of 2026) mapped to a category, whether a later resend can succeed, and advice. This table is the catalogue:
/// to teach the app a new error text, add one row. Texts match after trimming white space and a final period,
/// ignoring case (the docs are inconsistent about trailing periods).
/// </summary>
public static class ErrorCatalog
{
    private static readonly ErrorClassification UnknownError = new(
        ErrorCategories.Unknown, false,
        "Not in the catalogue: read the raw error text; if it recurs, add it to ErrorCatalog.");

    /// <summary>How a row's text is compared with the normalized error.</summary>
    internal enum Match
    {
        Exact,
        Prefix,
        Suffix,
    }

    /// <summary>The documented error codes that decide the category on their own.</summary>
    private static readonly Dictionary<string, ErrorClassification> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SHADOW_BAN"] = new(ErrorCategories.TemporaryRestriction, true,
            "WhatsApp is temporarily restricting this number (likely shadow ban): pause bulk sends, send only to contacts who wrote first, resend later."),
    };

    /// <summary>The rows: text, how it matches, and what it means.</summary>
    internal static readonly (string Text, Match Match, ErrorClassification Class)[] Rows =
    [
        // Permissions / restrictions
        ("Did not have permission to send this message", Match.Exact, new(ErrorCategories.SendingRestricted, false,
            "The contact or WhatsApp does not allow this number to message them (blocked or privacy settings); do not resend automatically.")),
        ("Whatsapp rejected sending this message", Match.Exact, new(ErrorCategories.SendingRestricted, true,
            "WhatsApp restricted the account (e.g. limits on starting conversations): slow down and resend later, preferring contacts who wrote first.")),
        ("Whatsapp did not allow sending this message", Match.Exact, new(ErrorCategories.SendingRestricted, false,
            "WhatsApp refused this message for this contact; check the account's standing in WhatsApp before resending.")),
        ("The message was not sent due to a likely shadow ban", Match.Exact, Codes["SHADOW_BAN"]),
        ("Does not have permission to send the message", Match.Exact, new(ErrorCategories.SendingRestricted, false,
            "This number may not send this message to this destination; check blocks, privacy and group permissions.")),
        ("You can't message this group as you don't have permission", Match.Exact, new(ErrorCategories.SendingRestricted, false,
            "Only admins can post in this group: make the instance's number an admin or stop sending to it.")),
        ("This type of message can only be sent in groups", Match.Exact, new(ErrorCategories.InvalidRequest, false,
            "This message type is for groups only: send it to a group id or use another message type.")),
        ("You must accept buttons message terms in panel to send this message", Match.Exact, new(ErrorCategories.SendingRestricted, false,
            "Accept the buttons message terms in the Z-API panel, then resend.")),

        // Timeout / connection
        ("Timeout on send message", Match.Exact, new(ErrorCategories.Connection, true,
            "The instance's connection to WhatsApp is unstable: check the phone's connection and the instance status, then resend.")),
        ("Error on send message", Match.Exact, new(ErrorCategories.Connection, true,
            "Connection error between Z-API and WhatsApp: check the instance is connected, then resend.")),

        // Invalid number
        ("Phone number does not exist", Match.Exact, new(ErrorCategories.InvalidNumber, false,
            "The number is not on WhatsApp: correct or remove the contact; do not resend.")),
        ("Message has not been sent because it got invalid phone number", Match.Exact, new(ErrorCategories.InvalidNumber, false,
            "Malformed number: use country code + area code + number, digits only (e.g. 5511999999999), then resend.")),

        // Media / URLs
        ("Message not send caused by invalid media url", Match.Exact, new(ErrorCategories.Media, false,
            "The media URL is invalid: send a public, direct HTTPS link to the file.")),
        ("Got a 404 error while trying to send message", Match.Exact, new(ErrorCategories.Media, false,
            "The media URL answered 404: fix the link (it must be publicly reachable), then resend.")),
        ("The url informed is not a valid url in the media format, apparently it can be an html", Match.Exact, new(ErrorCategories.Media, false,
            "The URL returns an HTML page, not the media file: use a direct link to the file.")),
        ("Unsupported sticker format:", Match.Prefix, new(ErrorCategories.Media, false,
            "Stickers must be WebP images: convert the file and resend.")),

        // Edit / time limits
        ("Message has not been edited because it has been more than 7 days", Match.Exact, new(ErrorCategories.TimeLimit, false,
            "WhatsApp allows edits only within 7 days: send a new message instead.")),
        ("Comment message has not been sent because it has more than 7 days", Match.Exact, new(ErrorCategories.TimeLimit, false,
            "The original message is older than 7 days: send a new message instead of a comment.")),

        // Products / catalogue
        ("Product message has not been sent because provided product id was not found", Match.Exact, new(ErrorCategories.Catalog, false,
            "The product id does not exist in the catalogue: check the id, then resend.")),
        ("Catalog message has not been sent because the catalog was not found", Match.Exact, new(ErrorCategories.Catalog, false,
            "The catalogue was not found: check the catalogue phone and that it has a catalogue.")),
        ("Product message has not been sent because provided catalog phone must not be a lid", Match.Exact, new(ErrorCategories.Catalog, false,
            "Use the catalogue owner's phone number, not an @lid identifier.")),

        // Orders
        ("Order has not been sent because it received invalid currency code", Match.Exact, new(ErrorCategories.Order, false,
            "Use an ISO 4217 currency code (e.g. BRL) in the order, then resend.")),
        ("Update order has not been sent because it received invalid request data", Match.Exact, new(ErrorCategories.Order, false,
            "The order update request is invalid: check its fields against Z-API's order API, then resend.")),

        // Events / newsletters
        ("Newsletter poll vote was not sent because of missing identifier", Match.Exact, new(ErrorCategories.Event, false,
            "The poll vote lacks the poll message identifier: include it, then resend.")),
        ("Event edit message was not sent because the phone is not from a group", Match.Exact, new(ErrorCategories.Event, false,
            "Events can only be edited in groups: send the edit to the group's id.")),
        ("Event edit message was not sent because receive invalid date time", Match.Exact, new(ErrorCategories.Event, false,
            "The event date/time is invalid: send a valid future date and time.")),

        // Status / forwarding / conversion
        ("Status reply has not been sent because the status message was not found", Match.Exact, new(ErrorCategories.InvalidRequest, false,
            "The status being replied to no longer exists (statuses expire after 24 h); send a normal message instead.")),
        ("Message does not forward because it was not found", Match.Exact, new(ErrorCategories.InvalidRequest, false,
            "The message to forward was not found on this instance: check the message id.")),
        ("Message has not been sent because an error occurred in the conversion", Match.Exact, new(ErrorCategories.Media, false,
            "Z-API could not convert the content (usually media): check the file's format and size, then resend.")),
        ("Message has not been sent because it got invalid request params", Match.Exact, new(ErrorCategories.InvalidRequest, false,
            "The send request had invalid parameters: check it against Z-API's API reference, then resend.")),

        // Not available to channels (newsletters): "<X> not available to channels."
        ("not available to channels", Match.Suffix, new(ErrorCategories.NotAvailableToChannels, false,
            "This message type cannot be sent to a channel (newsletter): send a supported type or send to a chat instead.")),

        // Queueing
        ("It was not possible to send message to queue due to request error", Match.Exact, new(ErrorCategories.Queue, true,
            "Z-API accepted the request but could not queue it: resend the message.")),
    ];

    /// <summary>
    /// The exact rows by normalized text (case-insensitive), to the index of their row; and the indexes of the few
    /// prefix and suffix rows. Built once from <see cref="Rows"/>, so classifying is one hash lookup and a short loop
    /// instead of normalizing and comparing every row (bench/README.md, "Micro-benchmarks").
    /// </summary>
    private static readonly Dictionary<string, int> ExactRows = BuildExactRows();

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ExactRowsBySpan =
        ExactRows.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int[] PatternRows =
        [.. Enumerable.Range(0, Rows.Length).Where(i => Rows[i].Match != Match.Exact)];

    /// <summary>Classifies a failed send. The error code, when documented, decides; otherwise the text; else unknown.</summary>
    public static ErrorClassification Classify(string? error, string? errorCode)
    {
        if (errorCode is not null && Codes.TryGetValue(errorCode.Trim(), out var byCode))
        {
            return byCode;
        }

        var text = Normalize(error);
        if (text.Length == 0)
        {
            return UnknownError;
        }

        // The first row that matches wins, as in reading the table top to bottom: an exact hit, unless a prefix or
        // suffix row above it matches too.
        var hit = ExactRowsBySpan.TryGetValue(text, out var exact) ? exact : int.MaxValue;
        foreach (var row in PatternRows)
        {
            if (row > hit)
            {
                break;
            }

            var (rowText, match, _) = Rows[row];
            if (match == Match.Prefix
                ? text.StartsWith(rowText, StringComparison.OrdinalIgnoreCase)
                : text.EndsWith(rowText, StringComparison.OrdinalIgnoreCase))
            {
                hit = row;
                break;
            }
        }

        return hit == int.MaxValue ? UnknownError : Rows[hit].Class;
    }

    private static Dictionary<string, int> BuildExactRows()
    {
        var rows = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Rows.Length; i++)
        {
            if (Rows[i].Match == Match.Exact)
            {
                rows.TryAdd(Normalize(Rows[i].Text).ToString(), i);
            }
        }

        return rows;
    }

    /// <summary>Trims white space and a final period, without allocating.</summary>
    private static ReadOnlySpan<char> Normalize(string? text) => text.AsSpan().Trim().TrimEnd('.').TrimEnd();
}
