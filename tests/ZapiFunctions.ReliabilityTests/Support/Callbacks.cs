using System.Globalization;
using System.Text;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>Distinct, valid DeliveryCallback bodies, and the messageId of a queued envelope.</summary>
public static class Callbacks
{
    public const string Instance = "reliability-instance";

    public const string Error = "Phone number does not exist";

    /// <summary>A successful send: lands in zapi-deliveries.</summary>
    public static byte[] Delivered(string messageId, int n) => Body(messageId, n, error: null);

    /// <summary>A failed send: lands in zapi-errored-sends, then as a row of ZapiErroredSends.</summary>
    public static byte[] Errored(string messageId, int n) => Body(messageId, n, Error);

    /// <summary>The callback's messageId inside a queue message (an envelope).</summary>
    public static string MessageIdOf(BinaryData message) =>
        EnvelopeReader.Read(message).Callback.GetProperty("messageId").GetString()!;

    private static byte[] Body(string messageId, int n, string? error)
    {
        var phone = (5511900000000L + n).ToString(CultureInfo.InvariantCulture);
        var momment = (1777494009341L + n).ToString(CultureInfo.InvariantCulture);
        var errorField = error is null ? string.Empty : $",\"error\":\"{error}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"phone\":\"{phone}\",\"zaapId\":\"Z{messageId}\",\"messageId\":\"{messageId}\",\"instanceId\":\"{Instance}\"," +
            $"\"momment\":{momment},\"type\":\"DeliveryCallback\"{errorField}}}");
    }
}
