using System.Globalization;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations.Backlog;

namespace ZapiFunctions.DevHost.Backlog;

/// <summary>Runs <see cref="BacklogPoller"/> every <c>DevHost:BacklogInterval</c> (default one minute, as the Functions timer).</summary>
internal static class BacklogPollerSetup
{
    /// <summary>The configuration key (<c>--DevHost:BacklogInterval=00:00:10</c>, <c>DevHost__BacklogInterval</c>).</summary>
    public const string IntervalKey = "DevHost:BacklogInterval";

    /// <summary>The Functions timer's period.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>
    /// Registers the poller (the monitor itself comes with <c>AddZapiIngest</c>). A reading stays published for at
    /// least three intervals, so a long interval does not leave the gauges empty between readings.
    /// </summary>
    public static void AddDevHostBacklog(this WebApplicationBuilder builder)
    {
        var interval = Interval(builder.Configuration);
        builder.Services.PostConfigure<BacklogMonitorOptions>(o => o.StaleAfter = TimeSpan.FromTicks(Math.Max(o.StaleAfter.Ticks, 3 * interval.Ticks)));
        builder.Services.AddHostedService(sp => new BacklogPoller(
            sp.GetRequiredService<BacklogMonitor>(), interval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BacklogPoller>>()));
    }

    /// <summary>The configured interval; a value that is not a duration from 1 second to 1 hour is refused in one line.</summary>
    public static TimeSpan Interval(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[IntervalKey];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultInterval;
        }

        const string Valid = "use one from 00:00:01 to 01:00:00 (hh:mm:ss).";
        if (!TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var interval))
        {
            throw new InvalidSettingsException($"{IntervalKey} ('{raw}') is not a duration: {Valid}");
        }

        return interval >= Shortest && interval <= Longest
            ? interval
            : throw new InvalidSettingsException($"{IntervalKey} ('{raw}') is out of range: {Valid}");
    }
}
