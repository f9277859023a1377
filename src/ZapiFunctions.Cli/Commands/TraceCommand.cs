using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.Cli.Commands;

/// <summary>
/// <c>zapi trace &lt;messageId&gt;</c>: what happened to one callback, from storage (<see cref="CallbackTrace"/>). One line
/// per stage found, in time order, then one per stage not found saying where it looked; <c>--custom-id</c> does the same
/// for each callback carrying that customId. A field the callback did not carry shows as <c>-</c>, a missing instance as
/// <c>(none)</c>. Exit code 0 when anything was found, 1 when nothing was.
/// </summary>
internal static class TraceCommand
{
    /// <summary>Terminal output: keeps '+' and non-ASCII readable in JSON.</summary>
    private static readonly JsonSerializerOptions JsonOptions = CliJson.Options;

    public static Command Create(CliConsole console)
    {
        var messageId = new Argument<string?>("messageId")
        {
            Description = "The callback's messageId, or its zaapId (the only id some callbacks carry), as in the callback, the logs and 'zapi errored list'.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var customId = new Option<string?>("--custom-id")
        {
            Description = "Instead of a messageId: the customId your send call set (an order number); traces every callback that carries it.",
        };
        var instance = new Option<string?>("--instance") { Description = $"Only this Z-API instance id; {TableKeys.NoInstance} for the callbacks that named none." };
        var json = new Option<bool>("--json") { Description = "JSON lines, one stage each (found or not)." };
        var showPhone = new Option<bool>("--show-phone") { Description = "Show phone numbers in full (personal data: masked by default, in --json too)." };

        var command = new Command(
            "trace",
            "What happened to one callback, from storage: queued (deliveries or errored-sends queue), processed (errored-sends table), notified, poisoned. With --custom-id, the same for each callback with that customId. Exit code 0 when anything was found, 1 when nothing.")
        {
            messageId, customId, instance, json, showPhone,
        };
        command.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var id = parse.GetValue(messageId);
            var custom = parse.GetValue(customId);
            var (byId, byCustomId) = (!string.IsNullOrWhiteSpace(id), !string.IsNullOrWhiteSpace(custom));
            if (byId && byCustomId)
            {
                throw new UsageException("Give the callback's messageId or --custom-id, not both.");
            }

            if (!byId && !byCustomId)
            {
                throw new UsageException("Give the callback's messageId or zaapId (zapi trace <messageId>), or its customId (zapi trace --custom-id <customId>).");
            }

            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(
                nameof(ZapiOptions.DeliveriesQueue), nameof(ZapiOptions.ErroredSendsQueue), nameof(ZapiOptions.ErroredSendsTable),
                nameof(ZapiOptions.DeadLettersTable));
            var queues = settings.Queues;
            var trace = new CallbackTrace(
                options.StoresDeliveries() ? queues.GetQueueClient(options.DeliveriesQueue) : null,
                queues.GetQueueClient(options.ErroredSendsQueue),
                queues.GetQueueClient(PoisonQueues.For(options.ErroredSendsQueue)),
                settings.Tables.GetTableClient(options.ErroredSendsTable),
                new DeadLetterStore(settings.Tables.GetTableClient(options.DeadLettersTable)));

            var phone = parse.GetValue(showPhone) ? (Func<string?, string>)(p => p ?? string.Empty) : PhoneMask.Mask;
            var table = options.ErroredSendsTable;
            List<string> lines;
            IReadOnlyList<string> warnings;
            bool found;
            if (byId)
            {
                var result = await trace.FindAsync(id!, parse.GetValue(instance), ct);
                lines = parse.GetValue(json) ? JsonLines(result, table, phone) : Text(result, table, phone);
                (warnings, found) = (result.Warnings, result.Found);
            }
            else
            {
                var result = await trace.FindByCustomIdAsync(custom!, parse.GetValue(instance), ct);
                lines = parse.GetValue(json) ? JsonLines(result, table, phone) : Text(result, table, phone);
                (warnings, found) = (result.Warnings, result.Found);
            }

            // Ids and error texts come from callbacks: a control character in one must not drive the terminal.
            foreach (var line in lines)
            {
                await console.Out.WriteLineAsync(LogText.Escape(line));
            }

            foreach (var warning in warnings)
            {
                await console.Error.WriteLineAsync("warning: " + warning);
            }

            return found ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>A line saying how many messages carry the customId, then each message's trace under a line naming it.</summary>
    private static List<string> Text(CustomIdTraceResult result, string table, Func<string?, string> phone)
    {
        if (!result.Found)
        {
            return [$"customId {result.CustomId}: not found: {result.NotFound}"];
        }

        List<string> lines = [string.Create(CultureInfo.InvariantCulture, $"customId {result.CustomId}: {result.Messages.Count} message(s)")];
        foreach (var message in result.Messages)
        {
            lines.Add($"message {message.MessageId}, instance {message.InstanceId ?? TableKeys.NoInstance}:");
            lines.AddRange(Text(message, table, phone));
        }

        return lines;
    }

    private static List<string> JsonLines(CustomIdTraceResult result, string table, Func<string?, string> phone) =>
        result.Found
            ? [.. result.Messages.SelectMany(m => JsonLines(m, table, phone))]
            : [JsonSerializer.Serialize(new { customId = result.CustomId, found = false, reason = result.NotFound }, JsonOptions)];

    private static List<string> JsonLines(CallbackTraceResult result, string table, Func<string?, string> phone) =>
        [.. result.Steps.Select(s => JsonLine(s, result.MessageId, table, phone)), .. result.Missing.Select(m => JsonLine(m, result.MessageId))];

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
            $"instance {Instance(r.InstanceId, r.PathInstanceId)}, phone {Shown(r.Phone, phone)}{CustomId(r.CustomId)}",
        NotifiedStep { Row: var r } => $"the notify endpoint accepted it ({table} NotifiedAt, instance {Instance(r.InstanceId, r.PathInstanceId)})",
        PoisonedStep { Kept: true } p =>
            $"failed every try: kept in {p.Queue} as dead letter {p.QueueMessageId} (request {p.Envelope.RequestId}, received {Time(p.Envelope.ReceivedAt)}, " +
            $"{Callback(p, phone)}); 'zapi poison replay --id {p.QueueMessageId}' moves it back",
        PoisonedStep p =>
            $"failed every try: in {p.Queue} as message {p.QueueMessageId}, waiting for the DeadLetter function to keep it (request {p.Envelope.RequestId}, " +
            $"received {Time(p.Envelope.ReceivedAt)}, {Callback(p, phone)})",
        _ => step.Stage,
    };

    private static string Callback(QueueMessageStep step, Func<string?, string> phone)
    {
        var text = $"instance {Instance(step.Field("instanceId"), step.Envelope.PathInstanceId)}, phone {Shown(step.Field("phone"), phone)}{CustomId(step.Field("customId"))}";
        return step.Field("error") is { } error ? $"{text}, error \"{error}\"" : text;
    }

    /// <summary>
    /// The instance a callback was recorded under, and where it came from when that was not its body: the
    /// per-instance URL filled it in, or named another.
    /// </summary>
    private static string Instance(string? instance, string? pathInstance) =>
        (CallbackText.NonEmpty(instance), CallbackText.NonEmpty(pathInstance)) switch
        {
            (null, null) => TableKeys.NoInstance,
            (null, { } path) => $"{path} (from the URL)",
            ({ } own, { } path) when own != path => $"{own} (the URL named {path})",
            ({ } own, _) => own,
        };

    private static string Shown(string? phone, Func<string?, string> show) => string.IsNullOrEmpty(phone) ? CallbackText.Absent : show(phone);

    private static string CustomId(string? customId) => string.IsNullOrEmpty(customId) ? string.Empty : $", customId {customId}";

    private static string JsonLine(TraceStep step, string id, string table, Func<string?, string> phone) => step switch
    {
        // Queued and poisoned: the same envelope in a queue, so the same fields.
        QueueMessageStep m => JsonSerializer.Serialize(
            new
            {
                id,
                stage = m.Stage,
                found = true,
                at = m.At,
                queue = m.Queue,
                queueMessageId = m.QueueMessageId,
                insertedOn = m.InsertedOn,
                requestId = m.Envelope.RequestId,
                receivedAt = m.Envelope.ReceivedAt,
                instanceId = m.Instance,
                pathInstanceId = m.Envelope.PathInstanceId,
                messageId = m.Field("messageId"),
                zaapId = m.Field("zaapId"),
                customId = m.Field("customId"),
                phone = Json(m.Field("phone"), phone),
                error = m.Field("error"),
            },
            JsonOptions),
        ProcessedStep { Row: var r } => JsonSerializer.Serialize(
            new
            {
                id,
                stage = step.Stage,
                found = true,
                at = step.At,
                table,
                instanceId = CallbackText.NonEmpty(r.InstanceId),
                pathInstanceId = r.PathInstanceId,
                messageId = CallbackText.NonEmpty(r.MessageId),
                zaapId = CallbackText.NonEmpty(r.ZaapId),
                customId = r.CustomId,
                category = r.Category,
                retryable = r.Retryable,
                occurrences = r.Occurrences,
                firstSeen = r.FirstSeen,
                lastSeen = r.LastSeen,
                firstRequestId = r.FirstRequestId,
                lastRequestId = r.LastRequestId,
                phone = Json(r.Phone, phone),
                error = r.Error,
                errorCode = r.ErrorCode,
            },
            JsonOptions),
        NotifiedStep { Row: var r } => JsonSerializer.Serialize(
            new { id, stage = step.Stage, found = true, at = step.At, table, instanceId = CallbackText.NonEmpty(r.InstanceId) }, JsonOptions),
        _ => JsonSerializer.Serialize(new { id, stage = step.Stage, found = true, at = step.At }, JsonOptions),
    };

    private static string JsonLine(TraceMiss miss, string id) =>
        JsonSerializer.Serialize(new { id, stage = miss.Stage, found = false, reason = miss.Reason }, JsonOptions);

    /// <summary>A phone for JSON: null when the callback had none, rather than an empty string.</summary>
    private static string? Json(string? phone, Func<string?, string> show) => string.IsNullOrEmpty(phone) ? null : show(phone);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
