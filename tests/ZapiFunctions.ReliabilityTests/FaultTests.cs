using System.Diagnostics;
using Xunit.Abstractions;
using ZapiFunctions.ReliabilityTests.Support;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>
/// The network between the DevHost and Azurite's queue service cut for a few seconds (a TCP proxy resets every
/// connection and refuses new ones), while callbacks arrive and while the errored-send consumer works.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output, Figures figures) : IClassFixture<Figures>, IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    /// <summary>The notify endpoint's answer time in the consumer test: messages are mid-processing when the cut lands.</summary>
    private static readonly TimeSpan NotifyLatency = TimeSpan.FromMilliseconds(300);

    private ErroredSendsWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await ErroredSendsWorld.StartAsync();
        await _world.StartDevHostAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Queue_cut_mid_load_loses_no_acknowledged_callback_answers_503_and_recovers_without_restart()
    {
        const int count = 1500;
        const int concurrency = 32;
        const int cutAfter = 400;
        var devHost = _world.DevHost!;
        var requests = Enumerable.Range(0, count).Select(i => ($"CUT{i:D6}", Callbacks.Delivered($"CUT{i:D6}", i))).ToList();
        using var client = Load.Client(devHost.BaseAddress, concurrency);
        Task? outage = null;
        long cutAt = 0, restoredAt = 0;

        var outcomes = await Load.PostAllAsync(client, requests, concurrency, completed: n =>
        {
            if (n == cutAfter)
            {
                outage = Task.Run(async () =>
                {
                    _world.Proxy.Cut();
                    cutAt = Stopwatch.GetTimestamp();
                    await Task.Delay(Outage); // the length of the outage, not a wait for something to happen
                    restoredAt = Stopwatch.GetTimestamp();
                    _world.Proxy.Restore();
                });
            }
        });
        await outage!;

        // Recovery without a restart: the first request after Restore that succeeds, then a whole batch that must.
        var probe = 0;
        await ZapiFunctions.Testing.Poll.UntilAsync(
            async () =>
            {
                var id = $"PROBE{++probe}";
                return (await Load.PostAsync(client, id, Callbacks.Delivered(id, probe))).Status;
            },
            status => status == 200,
            TimeSpan.FromSeconds(60),
            "a callback to be accepted after the network came back");
        var probeAccepted = Stopwatch.GetElapsedTime(restoredAt);
        var firstAcceptedAfterRestore = outcomes.Where(o => o.StartedAt >= restoredAt && o.Acknowledged)
            .Select(o => Stopwatch.GetElapsedTime(restoredAt, o.StartedAt) + o.Latency).DefaultIfEmpty(probeAccepted).Min();
        var after = await Load.PostAllAsync(
            client, Enumerable.Range(0, 200).Select(i => ($"AFTER{i:D4}", Callbacks.Delivered($"AFTER{i:D4}", i))).ToList(), concurrency);

        var found = await Storage.ReadAllAsync(_world.Azurite.Queue(Storage.Deliveries), TimeSpan.FromMinutes(2));
        var acknowledged = outcomes.Where(o => o.Acknowledged).ToList();
        var lost = acknowledged.Count(o => !found.ContainsKey(o.MessageId));
        var failed = outcomes.Where(o => !o.Acknowledged).ToList();
        var storedUnacknowledged = failed.Count(o => found.ContainsKey(o.MessageId));
        var duringCut = outcomes.Where(o => o.StartedAt >= cutAt && o.StartedAt < restoredAt).ToList();
        figures.Print(output, "faults.ingest-cut",
            ("sent", count), ("concurrency", concurrency), ("outage", Outage), ("acknowledged", acknowledged.Count),
            ("found", found.Keys.Count(k => k.StartsWith("CUT", StringComparison.Ordinal))), ("lost", lost),
            ("duplicated", found.Count(f => f.Value > 1)), ("stored_but_503", storedUnacknowledged),
            ("statuses", Figures.Statuses(outcomes.Select(o => o.Status))),
            ("started_during_cut", Figures.Statuses(duringCut.Select(o => o.Status))),
            ("connections_reset", _world.Proxy.Reset), ("connections_refused", _world.Proxy.Refused),
            ("first_200_after_restore_ms", firstAcceptedAfterRestore.TotalMilliseconds), ("after_restore", Figures.Statuses(after.Select(o => o.Status))),
            ("p99_ms", Load.LatencyMs(outcomes, 99)));

        Assert.Equal(0, lost);
        Assert.NotEmpty(failed); // the cut reached the app
        Assert.All(failed, o =>
        {
            Assert.True(o.Status == 503, $"{o.MessageId}: {o.Status} {o.Failure}");
            Assert.True(o.RetryAfter, $"{o.MessageId}: 503 without Retry-After");
            Assert.Equal("application/problem+json", o.ContentType);
        });
        Assert.All(acknowledged, o => Assert.Equal(200, o.Status));
        Assert.All(after, o => Assert.Equal(200, o.Status));
        Assert.All(after, o => Assert.True(found.ContainsKey(o.MessageId), $"{o.MessageId} acknowledged after the outage but not queued"));
    }

    [Fact]
    public async Task Queue_cut_while_the_consumer_runs_processes_no_errored_send_twice_in_effect()
    {
        const int ids = 150;
        const int concurrency = 16;
        using var client = Load.Client(_world.DevHost!.BaseAddress, concurrency);
        _world.Notify.Latency = NotifyLatency;
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);

        // Round 1: one report per messageId; the network is cut while the consumer works through them.
        var first = Enumerable.Range(0, ids).Select(i => ($"ERR{i:D5}", Callbacks.Errored($"ERR{i:D5}", i))).ToList();
        var firstOutcomes = await Load.PostAllAsync(client, first, concurrency);
        Assert.All(firstOutcomes, o => Assert.Equal(200, o.Status));
        first.ForEach(r => expected[r.Item1] = 1);
        await FastPoll.EveryAsync(
            TimeSpan.FromMilliseconds(20), async () => (await _world.RowsAsync()).Rows, rows => rows >= ids / 4, TimeSpan.FromSeconds(60),
            "the consumer to be under way");
        var rowsAtCut = (await _world.RowsAsync()).Rows;
        _world.Proxy.Cut();
        await Task.Delay(Outage); // the length of the outage
        _world.Proxy.Restore();
        var redelivered = await _world.SettleAsync(expected, TimeSpan.FromSeconds(90), expireUnsettled: true);
        var pollFailures = _world.DevHost!.Output.Count(l => l.Contains("Polling queue zapi-errored-sends failed", StringComparison.Ordinal));

        // Round 2: Z-API reports a third of them again, a sixth a third time: distinct ingest requests, counted.
        var repeats = Enumerable.Range(0, ids).Where(i => i % 3 == 0).Select(i => ($"ERR{i:D5}", Callbacks.Errored($"ERR{i:D5}", i)))
            .Concat(Enumerable.Range(0, ids).Where(i => i % 6 == 0).Select(i => ($"ERR{i:D5}", Callbacks.Errored($"ERR{i:D5}", i))))
            .ToList();
        var repeatOutcomes = await Load.PostAllAsync(client, repeats, 1); // one at a time: each a separate report
        Assert.All(repeatOutcomes, o => Assert.Equal(200, o.Status));
        repeats.ForEach(r => expected[r.Item1]++);
        await _world.SettleAsync(expected, TimeSpan.FromSeconds(90), expireUnsettled: false);

        var (rowCount, rows) = await _world.RowsAsync();
        var notifications = _world.Notify.PerMessage();
        var wrongCounts = expected.Where(e => !rows.TryGetValue(e.Key, out var row) || row.Occurrences != e.Value).Select(e => e.Key).ToList();
        var poison = await Storage.CountAsync(_world.Azurite.Queue(Storage.Poison));
        figures.Print(output, "faults.consumer-cut",
            ("message_ids", ids), ("reports", first.Count + repeats.Count), ("outage", Outage), ("rows_at_cut", rowsAtCut),
            ("unsettled_in_cut", _world.Unsettled().Count), ("redelivered", redelivered), ("unsettled_but_deleted", _world.Leases.NotHeld + _world.Leases.Gone),
            ("notify_latency", NotifyLatency), ("poll_failures_logged", pollFailures),
            ("rows", rowCount), ("wrong_occurrences", wrongCounts.Count),
            ("notified", notifications.Count), ("notified_twice", notifications.Count(n => n.Value > 1)),
            ("lost", expected.Keys.Count(id => !rows.ContainsKey(id))), ("poison", poison));

        Assert.True(redelivered > 0, "the cut caught no message in the consumer's hands");
        Assert.Equal(ids, rowCount);
        Assert.Empty(wrongCounts);
        Assert.Equal(ids, notifications.Count);
        Assert.All(notifications, n => Assert.Equal(1, n.Value));
        Assert.Equal(0, poison);
    }
}
