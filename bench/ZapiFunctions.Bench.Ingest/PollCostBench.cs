using System.Diagnostics;
using Azure.Storage.Queues;
using ZapiFunctions.Testing;
using static ZapiFunctions.Bench.Ingest.Stats;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// What the DevHost's background storage calls cost the emulator as the deliveries queue grows: on a fresh Azurite,
/// a queue is filled to each size with messages of an envelope's size, and each call is timed alone (the mean of
/// <c>--repeat</c>): a queue trigger's poll of another, empty queue (a receive, and the DevHost's count that comes first
/// after an empty poll), the backlog monitor's peek and length of the full one, and one write for comparison. Azurite answers one request at a time, so a call that takes it 400 ms holds up every
/// callback's queue write for as long.
/// </summary>
internal static class PollCostBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var sizes = options.List("sizes", "1000,10000,40000").Select(int.Parse).ToArray();
        var repeat = options.Int("repeat", 5);
        await using var azurite = await Azurite.StartAsync();
        var encoding = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var full = new QueueClient(azurite.ConnectionString, "zapi-deliveries", encoding);
        var empty = new QueueClient(azurite.ConnectionString, "zapi-errored-sends", encoding);
        await full.CreateIfNotExistsAsync();
        await empty.CreateIfNotExistsAsync();
        var envelope = BinaryData.FromString(new string('x', 900));
        Console.WriteLine($"poll-cost: Azurite's time per call (mean of {repeat}) by messages in zapi-deliveries; load average at start {LoadAverage()}");
        Console.WriteLine("| messages | receive on the empty zapi-errored-sends ms | its count ms | peek zapi-deliveries ms | length of zapi-deliveries ms | one write ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var stored = 0;
        foreach (var size in sizes)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(stored, Math.Max(0, size - stored)),
                new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (_, ct) => await full.SendMessageAsync(envelope, cancellationToken: ct));
            stored = Math.Max(stored, size);
            var receive = await TimeAsync(repeat, () => empty.ReceiveMessagesAsync(16));
            var count = await TimeAsync(repeat, () => empty.GetPropertiesAsync());
            var peek = await TimeAsync(repeat, () => full.PeekMessagesAsync(1));
            var length = await TimeAsync(repeat, () => full.GetPropertiesAsync());
            var write = await TimeAsync(repeat, () => full.SendMessageAsync(envelope));
            Console.WriteLine($"| {stored} | {F(receive, 1)} | {F(count, 1)} | {F(peek, 1)} | {F(length, 1)} | {F(write, 1)} |");
        }

        return 0;
    }

    private static async Task<double> TimeAsync(int repeat, Func<Task> call)
    {
        await call(); // the first call of a kind pays for the client's connection
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeat; i++)
        {
            await call();
        }

        return clock.Elapsed.TotalMilliseconds / repeat;
    }
}
