using System.Text.Json;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Reads the callback fields of a queued envelope, the one way every reader (trace, erasure, the CLI's dead-letter and
/// poison listings) does, so that a field shows and matches the same everywhere.
/// </summary>
public static class EnvelopeFields
{
    /// <summary>
    /// A text field of the envelope's callback: a string as sent, a number as its text (senders send <c>phone</c> and
    /// ids as numbers, and the app records them as their text); null when absent or anything else.
    /// </summary>
    public static string? Text(CallbackEnvelope envelope, string name)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Callback.ValueKind != JsonValueKind.Object || !envelope.Callback.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
