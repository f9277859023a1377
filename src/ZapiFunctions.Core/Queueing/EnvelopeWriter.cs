using System.Buffers;
using System.Text.Json;
using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Writes a <see cref="CallbackEnvelope"/> with the callback's original bytes copied verbatim, so the queue
/// keeps exactly what Z-API sent (field order, number text, escapes, unknown fields).
/// </summary>
public static class EnvelopeWriter
{
    /// <summary>
    /// Builds the UTF-8 JSON envelope around an already-validated callback body; <paramref name="parsed"/>, when
    /// given, adds what the reader found: the per-instance URL's id and the missing or odd fields.
    /// </summary>
    public static BinaryData Write(
        DateTimeOffset receivedAt,
        string requestId,
        string? traceParent,
        ReadOnlySpan<byte> rawCallback,
        DeliveryCallback? parsed = null)
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

            if (parsed?.PathInstanceId is { } pathInstanceId)
            {
                writer.WriteString("pathInstanceId", pathInstanceId);
            }

            WriteList(writer, "missingFields", parsed?.MissingFields);
            WriteList(writer, "oddFields", parsed?.OddFields);
            writer.WritePropertyName("callback");
            writer.WriteRawValue(TrimBom(rawCallback), skipInputValidation: true);
            writer.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static ReadOnlySpan<byte> TrimBom(ReadOnlySpan<byte> json) =>
        json.StartsWith("\uFEFF"u8) ? json[3..] : json;
}
