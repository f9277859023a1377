using System.Text.Json;
using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.Queueing;

/// <summary>Reads an envelope back; anything that is not a current-version envelope is refused with the reason.</summary>
public static class EnvelopeReader
{
    /// <summary>Parses <paramref name="message"/>; throws <see cref="InvalidEnvelopeException"/> saying why it cannot.</summary>
    public static CallbackEnvelope Read(BinaryData message)
    {
        ArgumentNullException.ThrowIfNull(message);
        CallbackEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(message.ToMemory().Span, CallbackJsonContext.Default.CallbackEnvelope);
        }
        catch (JsonException ex)
        {
            throw new InvalidEnvelopeException($"The message is not a callback envelope: invalid JSON ({ex.Message}).", ex);
        }

        if (envelope is null || envelope.Schema != CallbackEnvelope.SchemaName)
        {
            throw new InvalidEnvelopeException(
                $"The message is not a callback envelope: \"schema\" must be \"{CallbackEnvelope.SchemaName}\".");
        }

        if (envelope.Version != CallbackEnvelope.CurrentVersion)
        {
            throw new InvalidEnvelopeException(
                $"Envelope version {envelope.Version} is not supported; this build reads version {CallbackEnvelope.CurrentVersion}.");
        }

        if (envelope.Callback.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEnvelopeException("The envelope has no \"callback\" object.");
        }

        return envelope;
    }
}
