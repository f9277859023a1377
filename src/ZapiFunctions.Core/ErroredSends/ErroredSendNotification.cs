using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>The JSON body POSTed to <c>Zapi__NotifyUrl</c> the first time a failed send is recorded.</summary>
public sealed record ErroredSendNotification(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("zaapId")] string ZaapId,
    [property: JsonPropertyName("phone")] string Phone,
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
}
