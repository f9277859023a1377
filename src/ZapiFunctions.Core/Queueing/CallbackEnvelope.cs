using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// The queue message body: a small versioned wrapper around the callback exactly as Z-API sent it.
/// </summary>
/// <param name="Schema">Always <see cref="SchemaName"/>: tells an envelope apart from any other JSON on the queue.</param>
/// <param name="Version">Envelope version; readers refuse versions they do not know.</param>
/// <param name="ReceivedAt">When the HTTP request was accepted (UTC).</param>
/// <param name="RequestId">Correlation id of the ingest request, also logged and returned to the caller.</param>
/// <param name="TraceParent">
/// W3C traceparent of the ingest activity (a new valid one when nothing traced the request), so processing continues
/// the ingest's trace. Always written; absent only in messages from builds before it was.
/// </param>
/// <param name="Callback">The callback as received, byte for byte, unknown fields included.</param>
public sealed record CallbackEnvelope(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("traceParent")] string? TraceParent,
    [property: JsonPropertyName("callback")] JsonElement Callback)
{
    /// <summary>The value of <see cref="Schema"/>.</summary>
    public const string SchemaName = "zapi-functions/callback-envelope";

    /// <summary>The version this code writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// The instance id of the per-instance URL the callback was posted to (<c>api/instance/{id}/delivery</c>); absent
    /// for the shared URL. It fills a callback's missing <c>instanceId</c> when the message is processed.
    /// </summary>
    [JsonPropertyName("pathInstanceId")]
    public string? PathInstanceId { get; init; }

    /// <summary>Expected fields the callback lacked (absent or null); absent when it had them all.</summary>
    [JsonPropertyName("missingFields")]
    public IReadOnlyList<string>? MissingFields { get; init; }

    /// <summary>Fields of an unexpected type or value; absent when there were none.</summary>
    [JsonPropertyName("oddFields")]
    public IReadOnlyList<string>? OddFields { get; init; }
}
