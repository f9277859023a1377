using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.Core.Privacy;

/// <summary>
/// Deletes the personal data kept past its retention (<c>Zapi__ErroredSendsRetention</c>): rows of the errored-sends
/// table (full phone numbers) whose <c>LastSeen</c> is older than a cutoff, and dead letters whose
/// <c>DeadLetteredAt</c> is. Each table is filtered server-side on that column and read as keys only; rows are deleted in
/// transactions of one partition (at most 100 each). A row seen again while the purge runs is kept. Run daily by the
/// Retention function (the DevHost's retention poller locally), and on demand by <c>zapi errored purge</c>.
/// </summary>
public sealed partial class PersonalDataRetention(
    TableClient erroredSends, TableClient deadLetters, TimeProvider time, ILogger<PersonalDataRetention> logger)
{
    /// <summary>The errored-sends table.</summary>
    public string ErroredSendsTable => erroredSends.Name;

    /// <summary>The dead-letter table.</summary>
    public string DeadLettersTable => deadLetters.Name;

    /// <summary>Deletes what was last seen (dead-lettered) more than <paramref name="retention"/> ago.</summary>
    public Task<PurgeResult> PurgeExpiredAsync(TimeSpan retention, CancellationToken cancellationToken) =>
        PurgeAsync(time.GetUtcNow() - retention, cancellationToken);

    /// <summary>
    /// Deletes the errored-send rows last seen before <paramref name="olderThan"/> and the dead letters dead-lettered
    /// before it; returns how many of each. A table that does not exist counts as empty.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = TableClient.CreateQueryFilter($"{olderThan.ToUniversalTime()}");
        var errored = await TableRows.DeleteWhereAsync(
            erroredSends, $"{nameof(ErroredSendEntity.LastSeen)} lt {cutoff}", ifUnchanged: true, dryRun: false, cancellationToken);
        var dead = await TableRows.DeleteWhereAsync(
            deadLetters, $"{DeadLetterTable.DeadLetteredAt} lt {cutoff}", ifUnchanged: true, dryRun: false, cancellationToken);
        var result = new PurgeResult(olderThan, errored.Count, dead.Count);

        var before = olderThan.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (result.ErroredSends + result.DeadLetters > 0)
        {
            LogPurged(logger, result.ErroredSends, erroredSends.Name, result.DeadLetters, deadLetters.Name, before);
        }
        else
        {
            LogNothingToPurge(logger, erroredSends.Name, deadLetters.Name, before);
        }

        return result;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Retention: deleted {ErroredSends} errored-send row(s) from {ErroredSendsTable} and {DeadLetters} dead letter(s) from {DeadLettersTable} last seen before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int erroredSends, string erroredSendsTable, int deadLetters, string deadLettersTable, string cutoff);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug,
        Message = "Retention: nothing in {ErroredSendsTable} or {DeadLettersTable} was last seen before {Cutoff}")]
    private static partial void LogNothingToPurge(ILogger logger, string erroredSendsTable, string deadLettersTable, string cutoff);
}

/// <summary>What one purge deleted.</summary>
/// <param name="OlderThan">The cutoff: rows last seen (dead-lettered) before it were deleted.</param>
/// <param name="ErroredSends">Rows deleted from the errored-sends table.</param>
/// <param name="DeadLetters">Dead letters deleted.</param>
public sealed record PurgeResult(DateTimeOffset OlderThan, int ErroredSends, int DeadLetters);
