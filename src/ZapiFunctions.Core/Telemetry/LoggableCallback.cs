using ZapiFunctions.Core.Callbacks;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>A sender's id, instance and phone as a log line or span may carry them: cut, escaped, the phone masked.</summary>
public static class LoggableCallback
{
    /// <summary>What a log line shows for a callback without an instance id.</summary>
    public const string NoInstance = ErroredSends.TableKeys.NoInstance;

    /// <summary>The callback's id, instance and masked phone, safe for any log line.</summary>
    public static (string Id, string Instance, string Phone) Loggable(this DeliveryCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return (LogText.Safe(callback.Id), LogText.Safe(callback.InstanceId ?? NoInstance), PhoneMask.Mask(callback.Phone));
    }
}
