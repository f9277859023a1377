using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Core.Privacy;

/// <summary>The retention purge against Azurite's Table service, on a fake clock.</summary>
public sealed class PersonalDataRetentionTests : PrivacyStorageTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public async Task Purge_deletes_only_what_is_older_than_the_cutoff_in_both_tables_across_partitions()
    {
        // Old: 2026-01-01. Over 100 rows in one partition, so the purge needs more than one transaction.
        await Storage.AddRowsAsync("inst-a", "old", 130, Start);
        await Storage.RecordAsync(_time, "inst-b", "M-old-b", "5511987654321");
        await Storage.RecordAsync(_time, "inst-b", "M-seen-again", "5511987654321", "first");
        await Storage.DeadLetterAsync("zapi-errored-sends", "dl-old-1", "5511987654321", Start);
        await Storage.DeadLetterAsync("zapi-deliveries", "dl-old-2", "5521912345678", Start);

        // New: 60 days later, including a new occurrence of an old failure (its LastSeen moves on).
        _time.Advance(TimeSpan.FromDays(60));
        await Storage.RecordAsync(_time, "inst-a", "M-new-a", "5511987654321");
        await Storage.RecordAsync(_time, "inst-c", "M-new-c", "5521912345678");
        await Storage.RecordAsync(_time, "inst-b", "M-seen-again", "5511987654321", "again");
        await Storage.DeadLetterAsync("zapi-errored-sends", "dl-new", "5511987654321", _time.GetUtcNow());

        var result = await Retention().PurgeExpiredAsync(TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Equal(new PurgeResult(Start.AddDays(30), 131, 2), result);
        Assert.Equal(["inst-a/M-new-a", "inst-b/M-seen-again", "inst-c/M-new-c"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
        Assert.Equal(["zapi-errored-sends/dl-new"], await PrivacyStorage.KeysAsync(Storage.DeadLetters));
    }

    [Fact]
    public async Task A_row_last_seen_exactly_at_the_cutoff_is_kept()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-edge", "5511987654321");

        var result = await Retention().PurgeAsync(Start, CancellationToken.None);

        Assert.Equal(0, result.ErroredSends);
        Assert.Equal(["inst-a/M-edge"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
    }

    [Fact]
    public async Task Tables_that_do_not_exist_yet_count_as_empty()
    {
        var result = await Retention().PurgeAsync(Start, CancellationToken.None);

        Assert.Equal(new PurgeResult(Start, 0, 0), result);
    }

    [Fact]
    public async Task A_row_seen_again_while_the_purge_runs_is_kept()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-stale", "5511987654321");
        await Storage.RecordAsync(_time, "inst-a", "M-reported-again", "5511987654321", "first");
        _time.Advance(TimeSpan.FromDays(100));

        // Between the purge's query and its delete, Z-API reports M-reported-again once more.
        var erroredSends = new RecordsBeforeDeleting(Azurite.ConnectionString, () => Storage.RecordAsync(_time, "inst-a", "M-reported-again", "5511987654321", "again"));
        var retention = new PersonalDataRetention(erroredSends, Storage.DeadLetters, _time, NullLogger<PersonalDataRetention>.Instance);
        var result = await retention.PurgeExpiredAsync(TimeSpan.FromDays(90), CancellationToken.None);

        Assert.Equal(1, result.ErroredSends);
        Assert.Equal(["inst-a/M-reported-again"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
    }

    private PersonalDataRetention Retention() =>
        new(Storage.ErroredSends, Storage.DeadLetters, _time, NullLogger<PersonalDataRetention>.Instance);

    /// <summary>The errored-sends table, where something else writes just before the first delete transaction.</summary>
    private sealed class RecordsBeforeDeleting(string connectionString, Func<Task> write)
        : TableClient(connectionString, PrivacyStorage.ErroredSendsTable)
    {
        private Func<Task>? _write = write;

        public override async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(
            IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _write, null) is { } write)
            {
                await write();
            }

            return await base.SubmitTransactionAsync(transactionActions, cancellationToken);
        }
    }
}
