using System.CommandLine;
using System.Globalization;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi errored list</c>: the ZapiErroredSends table (<c>purge</c> and <c>forget</c>: <see cref="PrivacyCommands"/>).</summary>
internal static class ErroredCommands
{
    public static Command Create(CliConsole console)
    {
        var instance = new Option<string?>("--instance") { Description = $"Only this Z-API instance id; {TableKeys.NoInstance} for the callbacks that named none." };
        var category = new Option<string?>("--category") { Description = "Only this category (invalid-number, connection, temporary-restriction, …)." };
        var since = new Option<string?>("--since") { Description = "Only rows seen since: an ISO date/time (2026-05-01T00:00:00Z) or a duration back from now (30m, 24h, 7d)." };
        var top = new Option<int>("--top") { Description = "At most this many rows, newest first (default 50).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "JSON lines, one row each, phone in full." };
        var showPhone = new Option<bool>("--show-phone") { Description = "Show phone numbers in full in the table (personal data: masked by default)." };

        var list = new Command("list", "List errored sends, newest first.") { instance, category, since, top, json, showPhone };
        list.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            // The options first: a typo is answered before any storage is read.
            var count = parse.GetValue(top);
            if (count < 1)
            {
                throw new UsageException($"--top must be a whole number of at least 1 (got {count.ToString(CultureInfo.InvariantCulture)}).");
            }

            var only = Category(parse.GetValue(category));
            var from = ParseSince(parse.GetValue(since));
            using var settings = CliSettings.Load(parse.GetValue(ZapiCli.SettingsOption));
            var table = settings.Tables.GetTableClient(settings.Options(nameof(ZapiOptions.ErroredSendsTable)).ErroredSendsTable);
            var rows = await ErroredSendQuery.ListAsync(table, parse.GetValue(instance), only, from, count, ct);
            if (parse.GetValue(json))
            {
                foreach (var row in rows)
                {
                    // A field the callback did not carry is null, not an empty string.
                    await console.Out.WriteLineAsync(CliJson.Line(new
                    {
                        InstanceId = CallbackText.NonEmpty(row.InstanceId),
                        row.PathInstanceId,
                        MessageId = CallbackText.NonEmpty(row.MessageId),
                        ZaapId = CallbackText.NonEmpty(row.ZaapId),
                        row.CustomId,
                        Phone = CallbackText.NonEmpty(row.Phone),
                        row.Error,
                        row.ErrorCode,
                        row.Category,
                        row.Retryable,
                        row.Advice,
                        row.Momment,
                        row.FirstSeen,
                        row.LastSeen,
                        row.Occurrences,
                        row.NotifiedAt,
                    }));
                }

                return ExitCodes.Success;
            }

            if (rows.Count == 0)
            {
                await console.Out.WriteLineAsync($"No errored sends in {table.Name} match.");
                return ExitCodes.Success;
            }

            var full = parse.GetValue(showPhone);
            TextTable.Write(console.Out, ["last seen (UTC)", "instance", "message", "custom id", "phone", "category", "retry", "n", "error"], rows.Select(r => (IReadOnlyList<string>)
            [
                r.LastSeen.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                CallbackText.Instance(r.InstanceId),
                CallbackText.Message(r.MessageId, r.ZaapId),
                CallbackText.OrAbsent(r.CustomId),
                CallbackText.NonEmpty(r.Phone) is { } phone ? (full ? phone : PhoneMask.Mask(phone)) : CallbackText.Absent,
                r.Category,
                r.Retryable ? "yes" : "no",
                r.Occurrences.ToString(CultureInfo.InvariantCulture),
                CallbackText.OrAbsent(CallbackText.NonEmpty(r.Error) ?? r.ErrorCode),
            ]));
            return ExitCodes.Success;
        }));

        return new Command("errored", "Read the errored-sends table; purge or erase the personal data the app keeps.")
        {
            list, PrivacyCommands.Purge(console), PrivacyCommands.Forget(console),
        };
    }

    /// <summary>A category of <see cref="ErrorCategories.All"/> (any case), so a typo is not answered "nothing matches".</summary>
    internal static string? Category(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : ErrorCategories.All.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"--category '{text}' is not a category; use one of: {string.Join(", ", ErrorCategories.All)}.");

    /// <summary>An absolute time, or a span back from now such as 30m, 24h or 7d.</summary>
    internal static DateTimeOffset? ParseSince(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        var unit = text[^1];
        if (double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? span = unit switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } back)
            {
                return DateTimeOffset.UtcNow - back;
            }
        }

        throw new UsageException($"--since takes an ISO date/time or a duration like 30m, 24h, 7d (got '{text}').");
    }
}
