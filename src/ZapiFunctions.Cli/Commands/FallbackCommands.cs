using System.CommandLine;
using System.Globalization;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi fallback drain [--dry-run]</c>: what <c>ZapiFallbackStorage</c> took, back to the primary storage.</summary>
internal static class FallbackCommands
{
    public static Command Create(CliConsole console)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what the fallback holds (storage's approximate counts); move nothing." };
        var drain = new Command(
            "drain",
            "Move every message of the ingest queues on ZapiFallbackStorage back to the same queues on AzureWebJobsStorage " +
            "(sent first, deleted second: an interruption duplicates, never loses; a second run moves nothing more).")
        {
            dryRun,
        };
        drain.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(
                nameof(ZapiOptions.DeliveriesQueue), nameof(ZapiOptions.ErroredSendsQueue),
                nameof(ZapiOptions.DeliveriesTimeToLive), nameof(ZapiOptions.ErroredSendsTimeToLive));
            var fallback = settings.FallbackQueues;
            var operations = new FallbackDrain(new StorageQueueWriter(settings.Queues, new QueueTimeToLive(options)), fallback, options.IngestQueues());
            if (parse.GetValue(dryRun))
            {
                var held = await operations.CountAsync(ct);
                TextTable.Write(console.Out, ["queue", "on the fallback (approx.)"], held.Select(Row));
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Dry run: would move about {held.Sum(c => c.Messages)} message(s) from {FallbackStorage.SettingName} to {StorageConnection.SettingName}; nothing was moved."));
                return ExitCodes.Success;
            }

            var moved = await operations.DrainAsync(ct);
            TextTable.Write(console.Out, ["queue", "moved"], moved.Select(Row));
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Moved {moved.Sum(c => c.Messages)} message(s) from {FallbackStorage.SettingName} to {StorageConnection.SettingName}."));
            return ExitCodes.Success;
        }));

        return new Command("fallback", "The fallback storage (ZapiFallbackStorage).") { drain };
    }

    private static IReadOnlyList<string> Row(QueueCount count) => [count.Queue, count.Messages.ToString(CultureInfo.InvariantCulture)];
}
