using System.Diagnostics;
using Xunit.Abstractions;
using ZapiFunctions.ReliabilityTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>
/// Load through real HTTP: every acknowledged callback is in its queue exactly once. The enqueue deadline is at its
/// maximum here: on a shared 2-core machine a queue write under this load can take over the default 5 s, and the
/// right answer then is the 503 (checked in <see cref="FaultTests"/>), which this test is not about.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output, Figures figures)
    : DevHostTests(new DevHostStart { Environment = new Dictionary<string, string> { ["Zapi__EnqueueTimeout"] = "00:01:00" } }),
    IClassFixture<Figures>
{
    private const int Count = 5000;
    private const int Concurrency = 64;

    [Fact]
    public async Task Five_thousand_distinct_callbacks_at_concurrency_64_are_each_in_the_queue_once()
    {
        var requests = Enumerable.Range(0, Count).Select(i => ($"LOAD{i:D6}", Callbacks.Delivered($"LOAD{i:D6}", i))).ToList();
        using var client = Load.Client(DevHost.BaseAddress, Concurrency);

        var clock = Stopwatch.StartNew();
        var outcomes = await Load.PostAllAsync(client, requests, Concurrency);
        var elapsed = clock.Elapsed;
        var reading = Stopwatch.StartNew();
        var found = await Storage.ReadAllAsync(Azurite.Queue(Storage.Deliveries), TimeSpan.FromMinutes(2));
        var readBack = reading.Elapsed;

        var acknowledged = outcomes.Where(o => o.Acknowledged).Select(o => o.MessageId).ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Count(id => !found.ContainsKey(id));
        var duplicated = found.Count(f => f.Value > 1);
        var sent = requests.Select(r => r.Item1).ToHashSet(StringComparer.Ordinal);
        var strangers = found.Keys.Count(id => !sent.Contains(id));
        var errored = await Storage.CountAsync(Azurite.Queue(Storage.ErroredSends));
        figures.Print(output, "load",
            ("sent", Count), ("concurrency", Concurrency), ("acknowledged", acknowledged.Count), ("found", found.Count),
            ("lost", lost), ("duplicated", duplicated), ("statuses", Figures.Statuses(outcomes.Select(o => o.Status))),
            ("elapsed", elapsed), ("throughput_per_s", Count / elapsed.TotalSeconds),
            ("p50_ms", Load.LatencyMs(outcomes, 50)), ("p99_ms", Load.LatencyMs(outcomes, 99)), ("max_ms", Load.LatencyMs(outcomes, 100)),
            ("read_back", readBack));

        Assert.Empty(outcomes.Where(o => o.Status >= 500 || o.Status == 0).Select(o => $"{o.MessageId}: {o.Status} {o.Failure}"));
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, strangers);
        Assert.Equal(0, errored);
        Assert.Equal(Count, acknowledged.Count);
    }
}
