using System.Text.Json.Serialization;

namespace ZapiFunctions.Core.Ingest;

/// <summary>The 200 body: the callback is durably queued.</summary>
/// <param name="Status"><c>enqueued</c>; <c>ignored</c> for a delivered callback while the deliveries queue is off.</param>
/// <param name="RequestId">The correlation id, also in logs and in the queue message.</param>
public sealed record IngestAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("requestId")] string RequestId);
