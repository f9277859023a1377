using System.ComponentModel.DataAnnotations;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// The <c>Zapi</c> configuration section (app settings <c>Zapi__Name</c>). Same names in
/// local.settings.sample.json, Bicep and docs/configuration.md. Error messages name the setting as users write it
/// (<c>Zapi__Name</c>): bound by <see cref="ZapiOptionsBinding"/>, worded by <see cref="ZapiOptionsProblems"/>.
/// </summary>
public sealed class ZapiOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Zapi";

    /// <summary>The setting as users write it: <c>Zapi__MaxBodyBytes</c> for <see cref="MaxBodyBytes"/>.</summary>
    public static string SettingName(string property) => $"{SectionName}__{property}";

    /// <summary>Storage queue names: 3–63 lowercase letters, digits and single hyphens, starting and ending alphanumeric.</summary>
    internal const string QueueNamePattern = "^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$";

    private const string QueueNameRule = "use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.";

    private const string TableNameRule = "use 3-63 letters and digits, starting with a letter.";

    /// <summary>
    /// Queue for successful sends (callbacks without <c>error</c>), for downstream consumers. Empty turns it off:
    /// delivered callbacks are then answered 200 <c>ignored</c> and not kept anywhere (see <see cref="ZapiQueues"/>).
    /// </summary>
    [RegularExpression(QueueNamePattern, ErrorMessage = "Zapi__DeliveriesQueue is not a Storage queue name: " + QueueNameRule)]
    public string DeliveriesQueue { get; set; } = "zapi-deliveries";

    /// <summary>Queue for failed sends (callbacks with <c>error</c>), consumed by the ErroredSend function.</summary>
    [Required(ErrorMessage = "Zapi__ErroredSendsQueue is empty: " + QueueNameRule)]
    [RegularExpression(QueueNamePattern, ErrorMessage = "Zapi__ErroredSendsQueue is not a Storage queue name: " + QueueNameRule)]
    public string ErroredSendsQueue { get; set; } = "zapi-errored-sends";

    /// <summary>Time-to-live of each message written to <see cref="DeliveriesQueue"/>; negative (written <c>-1</c>): never expires.</summary>
    public TimeSpan DeliveriesTimeToLive { get; set; } = QueueTimeToLive.Never;

    /// <summary>Time-to-live of each message written to <see cref="ErroredSendsQueue"/>; negative (written <c>-1</c>): never expires.</summary>
    public TimeSpan ErroredSendsTimeToLive { get; set; } = QueueTimeToLive.Never;

    /// <summary>Durable table of messages that failed their last try (dead letters), kept until replayed or erased.</summary>
    [Required(ErrorMessage = "Zapi__DeadLettersTable is empty: " + TableNameRule)]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Zapi__DeadLettersTable is not a table name: " + TableNameRule)]
    public string DeadLettersTable { get; set; } = "ZapiDeadLetters";

    /// <summary>Table of errored sends: 3–63 letters and digits, starting with a letter.</summary>
    [Required(ErrorMessage = "Zapi__ErroredSendsTable is empty: " + TableNameRule)]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Zapi__ErroredSendsTable is not a table name: " + TableNameRule)]
    public string ErroredSendsTable { get; set; } = "ZapiErroredSends";

    /// <summary>
    /// The team's HTTPS endpoint told about each new failed send; empty turns notifications off. Plain HTTP is
    /// accepted only for loopback addresses (local testing).
    /// </summary>
    public string? NotifyUrl { get; set; }

    /// <summary>
    /// Comma-separated Z-API instance ids allowed to post. Empty allows every instance (a warning is logged at start-up).
    /// </summary>
    public string? AllowedInstanceIds { get; set; }

    /// <summary>
    /// Largest request body accepted, in bytes. A DeliveryCallback is a few hundred bytes; the maximum is what always
    /// fits one queue message (<see cref="QueueMessageLimit.MaxCallbackBytes"/>), so a body that passes is one that
    /// can be stored, and a larger one gets a 413 rather than a 503 no retry could fix.
    /// </summary>
    [Range(256, QueueMessageLimit.MaxCallbackBytes)]
    public int MaxBodyBytes { get; set; } = QueueMessageLimit.MaxCallbackBytes;

    /// <summary>How long one enqueue may take before the request is answered 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long personal data is kept: rows of the errored-sends table (full phone numbers) whose <c>LastSeen</c>, and
    /// dead letters whose <c>DeadLetteredAt</c>, is older are deleted by the daily Retention function (1 day to 10 years).
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan ErroredSendsRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Keys of the section the binder could not convert (left at their defaults); internal, so the binder never binds it.
    /// </summary>
    internal List<string> Unconvertible { get; } = [];

    /// <summary>Keys of the section that no setting reads (typos), for the start-up warning; internal, never bound.</summary>
    internal List<string> Unknown { get; } = [];

    /// <summary>
    /// Exports everything about every callback: a delivered one's queue write, the worker's invocation around it and its
    /// per-callback log line too. Off (the default), a delivered callback costs one exported item beside the
    /// pre-aggregated metrics (its <c>zapi.ingest</c> span) and errored sends, refusals and failures keep everything
    /// (see docs/monitoring.md, Telemetry budget).
    /// </summary>
    public bool FullTelemetry { get; set; }

    /// <summary>
    /// Share of traces exported, 0 to 1, decided per trace id so that a trace is kept or dropped whole: a callback's
    /// ingest, queue write, processing and notification go together, and the logs written under them (the exporter's
    /// trace-based log sampling). The pre-aggregated metrics are never sampled, so counts and alerts on them stay exact.
    /// The default is 1.0 because a sampled-out callback has no trace left for "what happened to message X?", and
    /// errored sends are sampled like the rest (the decision is taken when a trace starts, before anything fails).
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSamplingRatio { get; set; } = 1.0;

    /// <summary>The allow-list parsed from <see cref="AllowedInstanceIds"/>; empty means every instance.</summary>
    public IReadOnlySet<string> AllowedInstanceIdSet() =>
        (AllowedInstanceIds ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
}
