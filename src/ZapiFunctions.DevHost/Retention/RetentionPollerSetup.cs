using System.Globalization;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;

namespace ZapiFunctions.DevHost.Retention;

/// <summary>Runs <see cref="RetentionPoller"/> every <c>DevHost:RetentionInterval</c> (default one day, as the Functions timer).</summary>
internal static class RetentionPollerSetup
{
    /// <summary>The configuration key (<c>--DevHost:RetentionInterval=01:00:00</c>, <c>DevHost__RetentionInterval</c>).</summary>
    public const string IntervalKey = "DevHost:RetentionInterval";

    /// <summary>The Functions timer's period.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromDays(1);

    /// <summary>How long after start-up the first purge runs: shortly, but out of the way of start-up itself.</summary>
    public static readonly TimeSpan FirstRunDelay = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    /// <summary>Registers the poller of the retention purge (which <c>AddZapiFunctions</c> registers).</summary>
    public static void AddDevHostRetention(this WebApplicationBuilder builder)
    {
        var interval = Interval(builder.Configuration);
        builder.Services.AddHostedService(sp => new RetentionPoller(
            sp.GetRequiredService<PersonalDataRetention>(),
            sp.GetRequiredService<IOptions<ZapiOptions>>(),
            interval,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RetentionPoller>>()));
    }

    /// <summary>The configured interval; a value that is not a duration from 1 second to 7 days is refused in one line.</summary>
    public static TimeSpan Interval(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[IntervalKey];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultInterval;
        }

        const string Valid = "use one from 00:00:01 to 7.00:00:00 (d.hh:mm:ss).";
        if (!TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var interval))
        {
            throw new InvalidSettingsException($"{IntervalKey} ('{raw}') is not a duration: {Valid}");
        }

        return interval >= Shortest && interval <= Longest
            ? interval
            : throw new InvalidSettingsException($"{IntervalKey} ('{raw}') is out of range: {Valid}");
    }
}
