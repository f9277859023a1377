using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// The JSON body POSTed to <c>Zapi__NotifyUrl</c> the first time a failed send is recorded. Fields the callback did not
/// carry are left out (never null); <c>momment</c> is the callback's, else when it was received.
/// </summary>
public sealed record ErroredSendNotification(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("instanceId")] string? InstanceId,
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("zaapId")] string? ZaapId,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("retryable")] bool Retryable,
    [property: JsonPropertyName("advice")] string Advice,
    [property: JsonPropertyName("momment")] long Momment,
    [property: JsonPropertyName("firstSeen")] DateTimeOffset FirstSeen,
    [property: JsonPropertyName("requestId")] string RequestId)
{
    /// <summary>The value of <see cref="Type"/>, so receivers can route several kinds of notification.</summary>
    public const string TypeName = "zapi.errored-send";

    /// <summary>The team's own id from the send call (<c>customId</c>), when it set one.</summary>
    [JsonPropertyName("customId")]
    public string? CustomId { get; init; }
}
