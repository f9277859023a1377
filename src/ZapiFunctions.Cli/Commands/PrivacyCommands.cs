using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Operations.Privacy;

namespace ZapiFunctions.Cli.Commands;

/// <summary>
/// <c>zapi errored purge</c> (what the daily Retention function does, with a cutoff of your choosing) and
/// <c>zapi errored forget</c> (erase one phone number everywhere the app keeps it).
/// </summary>
internal static class PrivacyCommands
{
    /// <summary>The shortest <c>--older-than</c>: anything newer may still be in processing.</summary>
    private static readonly TimeSpan Shortest = TimeSpan.FromHours(1);

    private const string OlderThanForms = "a duration back from now such as 30d, 12h or 90m, or an ISO date/time such as 2026-05-01T00:00:00Z";

    public static Command Purge(CliConsole console)
    {
        var olderThan = new Option<string?>("--older-than") { Description = $"Delete what was last seen before this: {OlderThanForms}. At least 1h." };
        var purge = new Command(
            "purge",
            "Delete errored-send rows (full phone numbers) last seen, and dead letters dead-lettered, before --older-than. The app does this daily after Zapi__ErroredSendsRetention.")
        {
            olderThan,
        };
        purge.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var cutoff = ParseOlderThan(parse.GetValue(olderThan), DateTimeOffset.UtcNow);
            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(nameof(ZapiOptions.ErroredSendsTable));
            var retention = PrivacyServiceCollectionExtensions.Retention(
                settings.Tables, options, TimeProvider.System, NullLogger<PersonalDataRetention>.Instance);
            var result = await retention.PurgeAsync(cutoff, ct);
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Deleted {result.ErroredSends} errored-send row(s) and {result.DeadLetters} dead letter(s) last seen before {Time(cutoff)}."));
            return ExitCodes.Success;
        }));
        return purge;
    }

    public static Command Forget(CliConsole console)
    {
        var phone = new Option<string?>("--phone") { Description = "The phone number as Z-API writes it: digits with the country code (spaces, +, -, ( and ) are ignored) or an @lid id." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be erased; delete nothing." };
        var forget = new Command(
            "forget",
            "Erase everything kept for one phone number (LGPD art. 18, GDPR art. 17): its rows of the errored-sends table, its dead letters, and its queued messages in the deliveries queue, the errored-sends queue and its poison queue.")
        {
            phone, dryRun,
        };
        forget.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            if (!PhoneNumber.TryNormalize(parse.GetValue(phone), out var number))
            {
                throw new UsageException(
                    "Give --phone as Z-API writes it: the digits with the country code (5511987654321; spaces, +, -, ( and ) are ignored) or an @lid id (123456789012345@lid).");
            }

            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var options = settings.Options(
                nameof(ZapiOptions.DeliveriesQueue), nameof(ZapiOptions.ErroredSendsQueue), nameof(ZapiOptions.ErroredSendsTable));
            var erasure = ErasureStores.Erasure(settings.UndecodedQueues, settings.Tables, options);
            var result = await erasure.ForgetAsync(number, parse.GetValue(dryRun), ct);

            var masked = PhoneMask.Mask(result.Phone);
            await console.Out.WriteLineAsync(result.DryRun
                ? $"Dry run for {masked}: nothing was deleted. This would be erased:"
                : $"Erased what was kept for {masked}:");
            TextTable.Write(
                console.Out,
                ["store", "kind", result.DryRun ? "would erase" : "erased", "note"],
                result.Stores.Select(s => (IReadOnlyList<string>)[s.Name, Kind(s), s.Erased.ToString(CultureInfo.InvariantCulture), Note(s)]));
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{(result.DryRun ? "Would erase" : "Erased")} {result.Total} item(s) in all; logs and traces hold this phone masked only."));
            return ExitCodes.Success;
        }));
        return forget;
    }

    /// <summary>
    /// The cutoff <paramref name="text"/> names, as <c>--since</c> reads it: a span back from <paramref name="now"/>
    /// (<c>30d</c>, <c>12h</c>, <c>90m</c>) or an ISO date/time. Refused, as a usage error, when missing, unreadable, or
    /// less than an hour before <paramref name="now"/>.
    /// </summary>
    internal static DateTimeOffset ParseOlderThan(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"Give --older-than: {OlderThanForms}.");
        }

        DateTimeOffset cutoff;
        if (Span(text.Trim()) is { } back)
        {
            cutoff = back < now - DateTimeOffset.MinValue
                ? now - back
                : throw new UsageException($"--older-than '{text}' reaches back before year 1: give a shorter duration.");
        }
        else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            cutoff = at;
        }
        else
        {
            throw new UsageException($"--older-than takes {OlderThanForms} (got '{text}').");
        }

        return now - cutoff >= Shortest
            ? cutoff
            : throw new UsageException($"--older-than '{text}' is less than 1 hour before now: give 1h or more (newer rows may still be in processing).");
    }

    private static TimeSpan? Span(string text)
    {
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var unit = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero)
        {
            return null;
        }

        // Beyond TimeSpan's range (some 29,000 years) it is no date anyone kept anything from: read it as the longest.
        return amount * unit.Ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : unit * amount;
    }

    private static string Kind(ErasedStore store) => store.Kind switch
    {
        PersonalDataStore.Queue => "queued messages",
        PersonalDataStore.DeadLetters => "dead letters",
        _ => "errored-send rows",
    };

    private static string Note(ErasedStore store) => store switch
    {
        { Exists: false, Kind: PersonalDataStore.Queue } => "the queue does not exist",
        { Exists: false } => "the table does not exist yet",
        { Skipped: > 0 } => string.Create(CultureInfo.InvariantCulture, $"{store.Skipped} other message(s) left alone: not callback envelopes"),
        _ => string.Empty,
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
