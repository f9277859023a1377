namespace ZapiFunctions.Core.Callbacks;

/// <summary>
/// The other Z-API webhook types a misconfigured URL receives (after "update every webhook", or a URL pasted into
/// the wrong field). Named so refusals can be counted by type without letting a sender choose the metric's values.
/// </summary>
public static class WebhookTypes
{
    /// <summary>The <c>callback_type</c> value of any type not listed here.</summary>
    public const string Other = "other";

    private static readonly string[] Known =
    [
        "ReceivedCallback", "MessageStatusCallback", "PresenceChatCallback", "ConnectedCallback",
        "DisconnectedCallback", "ProxyCallback",
    ];

    /// <summary>The value counted for <paramref name="type"/>: a known Z-API webhook type, else <see cref="Other"/>.</summary>
    public static string MetricValue(string? type) =>
        Array.Find(Known, k => string.Equals(k, type, StringComparison.Ordinal)) ?? Other;
}
