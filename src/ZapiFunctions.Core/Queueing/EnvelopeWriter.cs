using System.Buffers;
using System.Text.Json;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Writes a <see cref="CallbackEnvelope"/> with the callback's original bytes copied verbatim, so the queue
/// keeps exactly what Z-API sent (field order, number text, escapes, unknown fields).
/// </summary>
public static class EnvelopeWriter
{
    /// <summary>Builds the UTF-8 JSON envelope around an already-validated callback body.</summary>
    public static BinaryData Write(
        DateTimeOffset receivedAt, string requestId, string? traceParent, ReadOnlySpan<byte> rawCallback)
    {
        var buffer = new ArrayBufferWriter<byte>(rawCallback.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", CallbackEnvelope.SchemaName);
            writer.WriteNumber("version", CallbackEnvelope.CurrentVersion);
            writer.WriteString("receivedAt", receivedAt.ToUniversalTime());
            writer.WriteString("requestId", requestId);
            if (traceParent is not null)
            {
                writer.WriteString("traceParent", traceParent);
            }

            writer.WritePropertyName("callback");
            writer.WriteRawValue(TrimBom(rawCallback), skipInputValidation: true);
            writer.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }

    private static ReadOnlySpan<byte> TrimBom(ReadOnlySpan<byte> json) =>
        json.StartsWith("\uFEFF"u8) ? json[3..] : json;
}
