namespace ZapiFunctions.Core.Operations.Backlog;

/// <summary>How <see cref="BacklogMonitor"/> reads and how long a reading stays published.</summary>
public sealed class BacklogMonitorOptions
{
    /// <summary>
    /// A reading older than this is no longer published. Readings are taken every minute; an instance that stops
    /// taking them (the Functions timer runs on one instance at a time, and may move) must not report its last one
    /// forever. Default 3 minutes: two missed readings.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The longest one queue's reading may take before it counts as failed. Default 10 seconds.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
