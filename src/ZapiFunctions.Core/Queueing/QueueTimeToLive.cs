using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// The time-to-live every queue write of the app sets explicitly, so nothing expires unless a team chose it: without
/// one, Storage keeps a message 7 days. Configured per queue (<see cref="ZapiOptions.DeliveriesTimeToLive"/>,
/// <see cref="ZapiOptions.ErroredSendsTimeToLive"/>); a negative value means never expire, which the Azure SDK
/// sends as <c>messagettl=-1</c> (<see cref="NeverInSdk"/>: it sends <c>(int)timeToLive.TotalSeconds</c>).
/// </summary>
public sealed class QueueTimeToLive
{
    /// <summary>The settings' "never expire", written <c>-1</c> (which reads as minus one day); any negative value means the same.</summary>
    public static readonly TimeSpan Never = TimeSpan.FromDays(-1);

    /// <summary>What to pass to <c>QueueClient.SendMessageAsync</c> for a message that never expires.</summary>
    public static readonly TimeSpan NeverInSdk = TimeSpan.FromSeconds(-1);

    /// <summary>The shortest time-to-live Storage accepts.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>The longest finite time-to-live the SDK can send (whole seconds in an int).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(int.MaxValue);

    /// <summary>
    /// What the Functions runtime's move to <c>-poison</c> gets: it sends no time-to-live, so Storage's default of
    /// 7 days (the DevHost, standing in for the runtime, sets the same explicitly). Dead letters are kept in a table
    /// instead, so nothing depends on it.
    /// </summary>
    public static readonly TimeSpan RuntimePoisonCopy = TimeSpan.FromDays(7);

    private readonly Dictionary<string, TimeSpan> _byQueue = new(StringComparer.Ordinal);

    /// <summary>The time-to-live of each queue named in <paramref name="options"/>.</summary>
    public QueueTimeToLive(ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StoresDeliveries())
        {
            _byQueue[options.DeliveriesQueue] = options.DeliveriesTimeToLive;
        }

        _byQueue[options.ErroredSendsQueue] = options.ErroredSendsTimeToLive;
    }

    /// <summary>True for the configured "never expire" (any negative duration).</summary>
    public static bool IsNever(TimeSpan configured) => configured < TimeSpan.Zero;

    /// <summary>The SDK value for a configured time-to-live: <see cref="NeverInSdk"/> for a negative one.</summary>
    public static TimeSpan ToSdk(TimeSpan configured) => IsNever(configured) ? NeverInSdk : configured;

    /// <summary>The SDK value for a message written to <paramref name="queueName"/>; never expire for a queue not configured.</summary>
    public TimeSpan For(string queueName) => ToSdk(_byQueue.GetValueOrDefault(queueName, Never));
}
