using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Cli.Commands;

/// <summary>
/// <c>zapi trace &lt;messageId&gt;</c>: what happened to one callback, from storage (<see cref="CallbackTrace"/>). One line
/// per stage found, in time order, then one per stage not found saying where it looked. Exit code 0 when anything
/// was found, 1 when nothing was.
/// </summary>
internal static class TraceCommand
{
    /// <summary>Terminal output: keeps '+' and non-ASCII readable in JSON.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliConsole console)
    {
        var messageId = new Argument<string>("messageId") { Description = "Z-API's messageId of the callback (as in the callback, the logs and 'zapi errored list')." };
        var instance = new Option<string?>("--instance") { Description = "Only this Z-API instance id." };
        var json = new Option<bool>("--json") { Description = "JSON lines, one stage each (found or not)." };
        var showPhone = new Option<bool>("--show-phone") { Description = "Show phone numbers in full (personal data: masked by default, in --json too)." };

        var command = new Command(
            "trace",
            "What happened to one callback, from storage: queued (deliveries or errored-sends queue), processed (errored-sends table), notified, poisoned. Exit code 0 when anything was found, 1 when nothing.")
        {
            messageId, instance, json, showPhone,
        };
        command.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var id = parse.GetValue(messageId);
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new UsageException("Give the callback's messageId: zapi trace <messageId>.");
            }

            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(
                nameof(ZapiOptions.DeliveriesQueue), nameof(ZapiOptions.ErroredSendsQueue), nameof(ZapiOptions.ErroredSendsTable));
            var queues = settings.Queues;
            var trace = new CallbackTrace(
                options.StoresDeliveries() ? queues.GetQueueClient(options.DeliveriesQueue) : null,
                queues.GetQueueClient(options.ErroredSendsQueue),
                queues.GetQueueClient(options.ErroredSendsQueue + BacklogMonitor.PoisonSuffix),
                settings.Tables.GetTableClient(options.ErroredSendsTable));
            var result = await trace.FindAsync(id, parse.GetValue(instance), ct);

            var phone = parse.GetValue(showPhone) ? (Func<string?, string>)(p => p ?? string.Empty) : PhoneMask.Mask;
            var lines = parse.GetValue(json)
                ? [.. result.Steps.Select(s => JsonLine(s, options.ErroredSendsTable, phone)), .. result.Missing.Select(JsonLine)]
                : Text(result, options.ErroredSendsTable, phone);
            foreach (var line in lines)
            {
                await console.Out.WriteLineAsync(line);
            }

            foreach (var warning in result.Warnings)
            {
                await console.Error.WriteLineAsync("warning: " + warning);
            }

            return result.Found ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>One line per stage: the time it happened (UTC), the stage, what was found; stages not found last.</summary>
    private static List<string> Text(CallbackTraceResult result, string table, Func<string?, string> phone)
    {
        var stageWidth = TraceStages.All.Max(s => s.Length);
        var lines = result.Steps
            .Select(step => $"{Time(step.At)}  {step.Stage.PadRight(stageWidth)}  {Describe(step, table, phone)}")
            .ToList();
        lines.AddRange(result.Missing.Select(miss => $"{"-",-20}  {miss.Stage.PadRight(stageWidth)}  not found: {miss.Reason}"));
        return lines;
    }

    private static string Describe(TraceStep step, string table, Func<string?, string> phone) => step switch
    {
        QueuedStep q => $"received and waiting in {q.Queue} (request {q.Envelope.RequestId}, {Callback(q, phone)})",
        ProcessedStep { Row: var r } =>
            $"recorded in {table}: category {r.Category} (retryable: {(r.Retryable ? "yes" : "no")}), {r.Occurrences} occurrence(s), " +
            $"first seen {Time(r.FirstSeen)} (request {r.FirstRequestId}), last seen {Time(r.LastSeen)} (request {r.LastRequestId}), " +
            $"instance {r.InstanceId}, phone {phone(r.Phone)}",
        NotifiedStep { Row: var r } => $"the notify endpoint accepted it ({table} NotifiedAt, instance {r.InstanceId})",
        PoisonedStep p =>
            $"moved to {p.Queue} as message {p.QueueMessageId} (request {p.Envelope.RequestId}, received {Time(p.Envelope.ReceivedAt)}, " +
            $"{Callback(p, phone)}); 'zapi poison replay --id {p.QueueMessageId}' moves it back",
        _ => step.Stage,
    };

    private static string Callback(QueueMessageStep step, Func<string?, string> phone)
    {
        var text = $"instance {step.Field("instanceId")}, phone {phone(step.Field("phone"))}";
        return step.Field("error") is { } error ? $"{text}, error \"{error}\"" : text;
    }

    private static string JsonLine(TraceStep step, string table, Func<string?, string> phone) => step switch
    {
        // Queued and poisoned: the same envelope in a queue, so the same fields.
        QueueMessageStep m => JsonSerializer.Serialize(
            new
            {
                stage = m.Stage,
                found = true,
                at = m.At,
                queue = m.Queue,
                queueMessageId = m.QueueMessageId,
                insertedOn = m.InsertedOn,
                requestId = m.Envelope.RequestId,
                receivedAt = m.Envelope.ReceivedAt,
                instanceId = m.Field("instanceId"),
                phone = phone(m.Field("phone")),
                error = m.Field("error"),
            },
            Json),
        ProcessedStep { Row: var r } => JsonSerializer.Serialize(
            new
            {
                stage = step.Stage,
                found = true,
                at = step.At,
                table,
                instanceId = r.InstanceId,
                category = r.Category,
                retryable = r.Retryable,
                occurrences = r.Occurrences,
                firstSeen = r.FirstSeen,
                lastSeen = r.LastSeen,
                firstRequestId = r.FirstRequestId,
                lastRequestId = r.LastRequestId,
                phone = phone(r.Phone),
                error = r.Error,
                errorCode = r.ErrorCode,
            },
            Json),
        NotifiedStep { Row: var r } => JsonSerializer.Serialize(
            new { stage = step.Stage, found = true, at = step.At, table, instanceId = r.InstanceId }, Json),
        _ => JsonSerializer.Serialize(new { stage = step.Stage, found = true, at = step.At }, Json),
    };

    private static string JsonLine(TraceMiss miss) =>
        JsonSerializer.Serialize(new { stage = miss.Stage, found = false, reason = miss.Reason }, Json);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
