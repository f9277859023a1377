namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Azure Storage's limit on one queue message, which the Base64 encoding the Functions queue trigger expects counts
/// against: 4 characters for every 3 bytes of envelope.
/// </summary>
public static class QueueMessageLimit
{
    /// <summary>The largest message body, in bytes, Azure Queue Storage (and Azurite) accepts.</summary>
    public const int Bytes = 64 * 1024;

    /// <summary>
    /// The largest callback body that always fits: 48 KiB of envelope once Base64-encoded, less the envelope's own
    /// fields (at most about 1 KiB with a long per-instance id and every field listed as missing or odd).
    /// </summary>
    public const int MaxCallbackBytes = 48_000;

    /// <summary>The length of <paramref name="message"/> once Base64-encoded.</summary>
    public static long EncodedLength(BinaryData message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (message.ToMemory().Length + 2L) / 3 * 4;
    }
}
