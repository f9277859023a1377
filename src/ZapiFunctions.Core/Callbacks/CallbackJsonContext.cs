using System.Text.Json.Serialization;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Callbacks;

/// <summary>Source-generated System.Text.Json metadata: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliveryCallback))]
[JsonSerializable(typeof(CallbackEnvelope))]
[JsonSerializable(typeof(Ingest.IngestAccepted))]
[JsonSerializable(typeof(ErroredSends.ErroredSendNotification))]
internal sealed partial class CallbackJsonContext : JsonSerializerContext;
