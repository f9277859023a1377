using System.Diagnostics;
using Xunit.Abstractions;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.ReliabilityTests.Support;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>
/// The errored-send consumer (the DevHost process) killed with SIGKILL in the middle of a batch and started again:
/// the messages it held come back when their lease ends, and every errored send ends recorded once in effect.
/// </summary>
public sealed class RestartTests(ITestOutputHelper output, Figures figures) : IClassFixture<Figures>, IAsyncLifetime
{
    private const int Ids = 240;

    /// <summary>The notify endpoint's answer time: a batch is in hand for at least that long, so the kill lands in one.</summary>
    private static readonly TimeSpan NotifyLatency = TimeSpan.FromMilliseconds(100);

    private ErroredSendsWorld _world = null!;

    public async Task InitializeAsync() => _world = await ErroredSendsWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Killed_mid_batch_and_started_again_every_errored_send_is_recorded_once_in_effect_and_none_is_lost()
    {
        var queue = _world.Azurite.Queue(Storage.ErroredSends);
        await queue.CreateIfNotExistsAsync();
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);

        // Round 1: one report per messageId, queued as the ingest queues them (an envelope per ingest request).
        var first = Enumerable.Range(0, Ids).Select(i => ($"RST{i:D5}", i)).ToList();
        await EnqueueAsync(queue, first);
        first.ForEach(r => expected[r.Item1] = 1);

        _world.Notify.Latency = NotifyLatency;
        await _world.StartDevHostAsync();
        await FastPoll.EveryAsync(
            TimeSpan.FromMilliseconds(20),
            async () => ((await _world.RowsAsync()).Rows, _world.Leases.Held().Count),
            state => state.Rows >= Ids / 3 && state.Count > 0,
            TimeSpan.FromSeconds(60),
            "the consumer to be in the middle of a batch");
        await _world.KillDevHostAsync();
        var heldAtKill = _world.Leases.HeldBodies().Select(Callbacks.MessageIdOf).ToHashSet(StringComparer.Ordinal);
        var (rowsAtKill, _) = await _world.RowsAsync();

        // The dead process's leases would end after 5 minutes; end them now, then start the consumer again.
        var expired = await _world.Leases.ExpireAsync(queue);
        var restart = Stopwatch.StartNew();
        var restartedAt = Stopwatch.GetTimestamp(); // every notification before this came from the killed process
        var callsBeforeKill = _world.Notify.Calls.Count;
        await _world.StartDevHostAsync();
        await _world.SettleAsync(expected, TimeSpan.FromSeconds(90), expireUnsettled: false);
        var recoveredIn = restart.Elapsed;

        // Round 2: Z-API reports a quarter of them again: new ingest requests, each counted once.
        var repeats = first.Where(r => r.i % 4 == 0).ToList();
        await EnqueueAsync(queue, repeats);
        repeats.ForEach(r => expected[r.Item1]++);
        await _world.SettleAsync(expected, TimeSpan.FromSeconds(90), expireUnsettled: false);

        var (rowCount, rows) = await _world.RowsAsync();
        var calls = _world.Notify.Calls.ToList();
        var perMessage = _world.Notify.PerMessage();
        var twice = perMessage.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        var wrongCounts = expected.Where(e => !rows.TryGetValue(e.Key, out var row) || row.Occurrences != e.Value).Select(e => e.Key).ToList();
        var poison = await Storage.CountAsync(_world.Azurite.Queue(Storage.Poison));
        figures.Print(output, "restart",
            ("message_ids", Ids), ("reports", first.Count + repeats.Count), ("rows_at_kill", rowsAtKill),
            ("notified_by_killed_process", callsBeforeKill), ("held_at_kill", heldAtKill.Count), ("notify_latency", NotifyLatency), ("leases_ended", expired),
            ("recovered_in", recoveredIn), ("rows", rowCount), ("wrong_occurrences", wrongCounts.Count),
            ("notified", perMessage.Count), ("notified_twice", twice.Count),
            ("lost", expected.Keys.Count(id => !rows.ContainsKey(id) || !perMessage.ContainsKey(id))), ("poison", poison));

        Assert.NotEmpty(heldAtKill); // killed mid-batch
        Assert.True(rowsAtKill < Ids, "killed after the work was done");
        Assert.Equal(Ids, rowCount);
        Assert.Empty(wrongCounts);
        Assert.Equal(Ids, perMessage.Count);
        Assert.All(twice, id =>
        {
            // Only a notification in flight at the kill (accepted by the endpoint, not yet recorded in its row) is
            // sent again, once: docs/errored-sends.md, Notifications ("Your endpoint should still tolerate a duplicate").
            var times = calls.Where(c => c.MessageId == id).Select(c => c.At).ToList();
            Assert.Equal(2, times.Count);
            Assert.True(times[0] < restartedAt && times[1] > restartedAt, $"{id} notified twice, not across the kill");
            Assert.Contains(id, heldAtKill);
        });
        Assert.Equal(0, poison);
    }

    /// <summary>
    /// The suite found that the ledger recognised a redelivery only of the row's last request, so an older request
    /// that came back after a newer one was recorded (its lease ended after a failed delete or a kill, or a poison
    /// replay) was counted again: Occurrences 3 for 2 reports. The row now remembers the requests it counted
    /// (<c>CountedRequestIds</c>).
    /// </summary>
    [Fact]
    public async Task An_older_request_redelivered_after_a_newer_one_is_not_counted_again()
    {
        var queue = _world.Azurite.Queue(Storage.ErroredSends);
        await queue.CreateIfNotExistsAsync();
        await _world.StartDevHostAsync();
        var first = EnvelopeWriter.Write(DateTimeOffset.UtcNow, Guid.CreateVersion7().ToString("N"), null, Callbacks.Errored("OLD00001", 1));
        var second = EnvelopeWriter.Write(DateTimeOffset.UtcNow, Guid.CreateVersion7().ToString("N"), null, Callbacks.Errored("OLD00001", 1));

        await queue.SendMessageAsync(first);
        await _world.SettleAsync(new Dictionary<string, int> { ["OLD00001"] = 1 }, TimeSpan.FromSeconds(60), expireUnsettled: false);
        await queue.SendMessageAsync(second);
        await _world.SettleAsync(new Dictionary<string, int> { ["OLD00001"] = 2 }, TimeSpan.FromSeconds(60), expireUnsettled: false);

        // The first request again, as its redelivery looks (its lease ended after a failed delete, or a poison replay).
        await queue.SendMessageAsync(first);
        await _world.SettleAsync(new Dictionary<string, int> { ["OLD00001"] = 2 }, TimeSpan.FromSeconds(60), expireUnsettled: false);
        var (_, rows) = await _world.RowsAsync();

        figures.Print(output, "restart.older-redelivery", ("reports", 2), ("deliveries", 3), ("occurrences", rows["OLD00001"].Occurrences));
        Assert.Equal(2, rows["OLD00001"].Occurrences);
    }

    private static async Task EnqueueAsync(Azure.Storage.Queues.QueueClient queue, IEnumerable<(string Id, int N)> reports) =>
        await Parallel.ForEachAsync(reports, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (report, ct) =>
        {
            var envelope = EnvelopeWriter.Write(
                DateTimeOffset.UtcNow, Guid.CreateVersion7().ToString("N"), null, Callbacks.Errored(report.Id, report.N));
            await queue.SendMessageAsync(envelope, cancellationToken: ct);
        });
}
