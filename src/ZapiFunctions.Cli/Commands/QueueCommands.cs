using System.CommandLine;
using System.Globalization;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi queues stats</c>.</summary>
internal static class QueueCommands
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "JSON lines, one queue each." };
        var stats = new Command("stats", "Approximate message counts of the app's queues.") { json };
        stats.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(nameof(ZapiOptions.DeliveriesQueue), nameof(ZapiOptions.ErroredSendsQueue));
            var rows = await QueueStatistics.ReadAsync(
                settings.Queues, [.. options.IngestQueues(), .. PoisonQueues.Chain(options.ErroredSendsQueue)], ct);
            if (parse.GetValue(json))
            {
                foreach (var (queue, count) in rows)
                {
                    await console.Out.WriteLineAsync(CliJson.Line(new { queue, approximateCount = count, exists = count is not null }));
                }
            }
            else
            {
                TextTable.Write(console.Out, ["queue", "messages (approx.)"], rows.Select(r => (IReadOnlyList<string>)
                    [r.Queue, r.ApproximateCount?.ToString(CultureInfo.InvariantCulture) ?? "(does not exist)"]));
            }

            return ExitCodes.Success;
        }));

        return new Command("queues", "Queue statistics.") { stats };
    }
}
