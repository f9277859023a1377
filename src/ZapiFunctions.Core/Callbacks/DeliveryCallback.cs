using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.Callbacks;

/// <summary>
/// Z-API's "On send" webhook payload (<c>type: DeliveryCallback</c>): one per send attempt, success or failure, as
/// far as the sender filled it in. Z-API's public docs require only <c>phone</c>, <c>zaapId</c> and <c>type</c>, and
/// compatible providers leave out <c>momment</c>, so every field but <c>type</c> and one identifier may be absent.
/// </summary>
/// <param name="Phone">Destination: a phone number or an <c>@lid</c> identifier. Personal data: mask before logging.</param>
/// <param name="ZaapId">Z-API's id of the message within the conversation.</param>
/// <param name="MessageId">WhatsApp's message id.</param>
/// <param name="InstanceId">
/// The Z-API instance that sent the message: the body's <c>instanceId</c>, else the id in the per-instance URL.
/// </param>
/// <param name="Momment">When the event fired, Unix milliseconds (Z-API's spelling); null when not sent.</param>
/// <param name="Type">Always <c>DeliveryCallback</c> for this webhook.</param>
/// <param name="Error">Present only when the send failed: Z-API's free-text reason.</param>
/// <param name="ErrorCode">Present only for specific failures, e.g. <c>SHADOW_BAN</c>.</param>
/// <param name="CustomId">The team's own id set on the send call (an order number), when it set one.</param>
public sealed record DeliveryCallback(
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("zaapId")] string? ZaapId,
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("instanceId")] string? InstanceId,
    [property: JsonPropertyName("momment")] long? Momment,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("errorCode")] string? ErrorCode = null,
    [property: JsonPropertyName("customId")] string? CustomId = null)
{
    /// <summary>The only <c>type</c> this webhook carries.</summary>
    public const string ExpectedType = "DeliveryCallback";

    /// <summary>True when Z-API reports the send as failed.</summary>
    [JsonIgnore]
    public bool IsError => Error is not null || ErrorCode is not null;

    /// <summary>The message's identity: <c>messageId</c>, else <c>zaapId</c> (a parsed callback always has one).</summary>
    [JsonIgnore]
    public string Id => MessageId ?? ZaapId ?? string.Empty;

    /// <summary>The instance id in the per-instance URL the callback was posted to, if any.</summary>
    [JsonIgnore]
    public string? PathInstanceId { get; init; }

    /// <summary>Where <see cref="InstanceId"/> came from: see <see cref="InstanceSources"/>.</summary>
    [JsonIgnore]
    public string InstanceSource => (BodyInstanceId, PathInstanceId) switch
    {
        (null, null) => InstanceSources.None,
        (not null, null) => InstanceSources.Body,
        (null, not null) => InstanceSources.Path,
        var (body, path) => string.Equals(body, path, StringComparison.Ordinal) ? InstanceSources.Match : InstanceSources.Mismatch,
    };

    /// <summary>The body's own <c>instanceId</c> (null when the body had none and the URL's filled it in).</summary>
    [JsonIgnore]
    public string? BodyInstanceId { get; init; }

    /// <summary>Expected fields absent (or null) in the body, in the order they were checked.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> MissingFields { get; init; } = [];

    /// <summary>Fields present with an unexpected type or value (kept as their text, or ignored), in the order checked.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> OddFields { get; init; } = [];

    /// <summary>True when every expected field was there with its documented type.</summary>
    [JsonIgnore]
    public bool IsComplete => MissingFields.Count == 0 && OddFields.Count == 0;

    /// <summary>The event time: <c>momment</c> when the sender gave one, else when the callback was received.</summary>
    public long EventTime(DateTimeOffset receivedAt) => Momment ?? receivedAt.ToUnixTimeMilliseconds();
}
