using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.Callbacks;

/// <summary>
/// Z-API's "On send" webhook payload (<c>type: DeliveryCallback</c>): one per send attempt, success or failure.
/// </summary>
/// <param name="Phone">Destination: a phone number or an <c>@lid</c> identifier. Personal data: mask before logging.</param>
/// <param name="ZaapId">Z-API's id of the message within the conversation.</param>
/// <param name="MessageId">WhatsApp's message id.</param>
/// <param name="InstanceId">The Z-API instance that sent the message.</param>
/// <param name="Momment">When the event fired, Unix milliseconds (Z-API's spelling).</param>
/// <param name="Type">Always <c>DeliveryCallback</c> for this webhook.</param>
/// <param name="Error">Present only when the send failed: Z-API's free-text reason.</param>
/// <param name="ErrorCode">Present only for specific failures, e.g. <c>SHADOW_BAN</c>.</param>
public sealed record DeliveryCallback(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("zaapId")] string ZaapId,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("momment")] long Momment,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("errorCode")] string? ErrorCode = null)
{
    /// <summary>The only <c>type</c> this webhook carries.</summary>
    public const string ExpectedType = "DeliveryCallback";

    /// <summary>True when Z-API reports the send as failed.</summary>
    [JsonIgnore]
    public bool IsError => Error is not null || ErrorCode is not null;
}
