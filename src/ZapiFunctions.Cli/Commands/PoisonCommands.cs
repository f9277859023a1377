using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi poison peek|replay</c>: the errored-sends poison queue.</summary>
internal static class PoisonCommands
{
    public static Command Create(CliConsole console)
    {
        var max = new Option<int>("--max") { Description = "Messages to show, 1-32 (default 32).", DefaultValueFactory = _ => 32 };
        var json = new Option<bool>("--json") { Description = "JSON lines, one message each." };
        var peek = new Command("peek", "Show poison messages decoded, without taking them.") { max, json };
        peek.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var operations = Operations(settings);
            var messages = await operations.PeekAsync(parse.GetValue(max), ct);
            if (parse.GetValue(json))
            {
                foreach (var m in messages)
                {
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        m.MessageId,
                        m.InsertedOn,
                        requestId = m.Envelope?.RequestId,
                        callback = m.Envelope?.Callback,
                        m.Problem,
                        body = m.Envelope is null ? m.Body : null,
                    }));
                }

                return ExitCodes.Success;
            }

            if (messages.Count == 0)
            {
                await console.Out.WriteLineAsync($"{operations.PoisonQueueName} is empty.");
                return ExitCodes.Success;
            }

            TextTable.Write(console.Out, ["id", "inserted (UTC)", "instance", "message", "error or problem"], messages.Select(m => (IReadOnlyList<string>)
            [
                m.MessageId, m.InsertedOn?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty,
                Field(m, "instanceId"), Field(m, "messageId"), m.Problem ?? Field(m, "error"),
            ]));
            return ExitCodes.Success;
        }));

        var all = new Option<bool>("--all") { Description = "Replay every poison message." };
        var ids = new Option<string[]>("--id") { Description = "Replay this message id (repeatable); see 'zapi poison peek'.", AllowMultipleArgumentsPerToken = true };
        var replay = new Command("replay", "Move poison messages back to the errored-sends queue (copied first, deleted second: an interruption duplicates, never loses).")
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
            await console.Out.WriteLineAsync($"Replayed {result.Replayed.Count} message(s) from {operations.PoisonQueueName} to {operations.MainQueueName}.");
            foreach (var missing in result.NotFound)
            {
                await console.Error.WriteLineAsync($"error: no message {missing} in {operations.PoisonQueueName}.");
            }

            return result.NotFound.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }));

        return new Command("poison", "Inspect and replay the errored-sends poison queue.") { peek, replay };
    }

    private static PoisonQueueOperations Operations(CliSettings settings)
    {
        var queue = settings.Options(nameof(ZapiOptions.ErroredSendsQueue)).ErroredSendsQueue;
        var queues = settings.Queues;
        return new PoisonQueueOperations(queues.GetQueueClient(queue), queues.GetQueueClient(queue + "-poison"));
    }

    private static string Field(PoisonMessage message, string name) =>
        message.Envelope is { } envelope && envelope.Callback.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : string.Empty;
}
