using System.CommandLine;
using System.Globalization;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.Cli.Commands;

/// <summary>
/// <c>zapi poison peek|replay</c>: the errored sends that failed every try, kept in the dead-letters table by the
/// DeadLetter function (<see cref="DeadLetterOperations"/>).
/// </summary>
internal static class PoisonCommands
{
    public static Command Create(CliConsole console)
    {
        var max = new Option<int>("--max") { Description = "Dead letters to show, oldest first (default 32).", DefaultValueFactory = _ => 32 };
        var json = new Option<bool>("--json") { Description = "JSON lines, one dead letter each (callbacks in full, phones included)." };
        var peek = new Command("peek", "Show dead letters (the dead-letters table) decoded, without taking them.") { max, json };
        peek.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var count = parse.GetValue(max);
            if (count < 1)
            {
                throw new UsageException($"--max must be a whole number of at least 1 (got {count.ToString(CultureInfo.InvariantCulture)}).");
            }

            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var operations = Operations(settings);
            var items = await operations.PeekAsync(count, ct);
            if (parse.GetValue(json))
            {
                foreach (var item in items)
                {
                    await console.Out.WriteLineAsync(CliJson.Line(new
                    {
                        id = item.Id,
                        deadLetteredAt = item.Row.DeadLetteredAt,
                        error = CallbackText.NonEmpty(item.Row.Error),
                        requestId = item.Envelope?.RequestId,
                        callback = item.Envelope?.Callback,
                        problem = item.Problem,
                        body = item.Envelope is null ? item.Row.Envelope : null,
                    }));
                }

                return ExitCodes.Success;
            }

            if (items.Count == 0)
            {
                await console.Out.WriteLineAsync($"Nothing dead-lettered: {operations.TableName} has no {operations.MainQueueName} rows.");
                return ExitCodes.Success;
            }

            TextTable.Write(console.Out, ["id", "at (UTC)", "instance", "message", "error or problem", "body"], items.Select(i => (IReadOnlyList<string>)
            [
                i.Id, i.Row.DeadLetteredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                .. Callback(i.Envelope),
                CallbackText.NonEmpty(i.Row.Error) ?? i.Problem ?? CallbackText.OrAbsent(i.Envelope is { } e ? EnvelopeFields.Text(e, "error") : null),
                BodyPreview.Of(i.Envelope is { } envelope ? envelope.Callback.GetRawText() : i.Row.Envelope),
            ]));
            return ExitCodes.Success;
        }));

        var all = new Option<bool>("--all") { Description = "Replay every dead letter." };
        var ids = new Option<string[]>("--id") { Description = "Replay this id (repeatable); see 'zapi poison peek'.", AllowMultipleArgumentsPerToken = true };
        var replay = new Command(
            "replay",
            "Send dead letters back to the errored-sends queue, once each, then delete them from the dead-letters table (sent first, deleted second: an interruption duplicates, never loses).")
        {
            all, ids,
        };
        replay.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var wanted = parse.GetValue(ids) ?? [];
            if (parse.GetValue(all) == (wanted.Length > 0))
            {
                throw new UsageException("Give either --all or one or more --id.");
            }

            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var operations = Operations(settings);
            var result = await operations.ReplayAsync(wanted.Length > 0 ? wanted.ToHashSet(StringComparer.Ordinal) : null, ct);
            await console.Out.WriteLineAsync($"Replayed {result.Replayed.Count} message(s) from {operations.TableName} to {operations.MainQueueName}.");
            foreach (var missing in result.NotFound)
            {
                await console.Error.WriteLineAsync($"error: no dead letter {missing} in {operations.TableName}.");
            }

            return result.NotFound.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }));

        return new Command("poison", "Inspect and replay dead letters: the errored sends that failed every try (the dead-letters table).") { peek, replay };
    }

    /// <summary>The instance and message columns: <see cref="CallbackText.Absent"/> for a body that is not an envelope.</summary>
    private static string[] Callback(CallbackEnvelope? envelope) => envelope is null
        ? [CallbackText.Absent, CallbackText.Absent]
        : [CallbackText.Instance(CallbackTrace.InstanceOf(envelope)), CallbackText.Message(EnvelopeFields.Text(envelope, "messageId"), EnvelopeFields.Text(envelope, "zaapId"))];

    private static DeadLetterOperations Operations(CliSettings settings)
    {
        var options = settings.Options(
            nameof(ZapiOptions.ErroredSendsQueue), nameof(ZapiOptions.ErroredSendsTimeToLive), nameof(ZapiOptions.DeadLettersTable));
        var store = new DeadLetterStore(settings.Tables.GetTableClient(options.DeadLettersTable));
        return new DeadLetterOperations(settings.Queues.GetQueueClient(options.ErroredSendsQueue), store, options.ErroredSendsTimeToLive);
    }
}
