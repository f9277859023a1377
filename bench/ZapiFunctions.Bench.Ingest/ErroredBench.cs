using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.DevHost.Queues;
using ZapiFunctions.Testing;
using static ZapiFunctions.Bench.Ingest.Stats;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// Item 2: messages/s through <see cref="ErroredSendProcessor"/> as the DevHost drives it (its
/// <see cref="QueueTriggerListener"/>: receive up to batchSize, process them concurrently, delete each, fetch the next
/// batch), beside its ceiling, <see cref="TableClient.AddEntityAsync{T}"/> in a plain loop (one at a time, and
/// batchSize loops at once), each on a fresh Azurite. The queue is filled before the clock starts; notifications off.
/// </summary>
internal static class ErroredBench
{
    private const string Queue = "zapi-errored-sends";

    public static async Task<int> RunAsync(Options options)
    {
        var rounds = options.Int("rounds", 3);
        var messages = options.Int("messages", 3000);
        var batches = options.List("batches", "8,16,32").Select(int.Parse).ToArray();
        Console.WriteLine($"errored: {rounds} rounds, {messages} messages per run, batch sizes {string.Join("/", batches)}; load average at start {LoadAverage()}");
        var results = new List<(string Variant, double Rate, string Load)>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = batches.Skip((round - 1) % batches.Length).Concat(batches.Take((round - 1) % batches.Length)).ToArray();
            foreach (var batch in order)
            {
                var processor = await ProcessorAsync(messages, batch);
                results.Add(($"processor batch {batch}", processor, LoadAverage()));
                Console.WriteLine($"  round {round} processor batch {batch,2}: {F(processor, 0),6} msg/s  load {LoadAverage()}");
                var ceiling = await TableLoopAsync(messages, batch);
                results.Add(($"AddEntityAsync x{batch}", ceiling, LoadAverage()));
                Console.WriteLine($"  round {round} AddEntityAsync x{batch,2}:  {F(ceiling, 0),6} msg/s  load {LoadAverage()}");
            }

            var plain = await TableLoopAsync(messages, 1);
            results.Add(("AddEntityAsync x1", plain, LoadAverage()));
            Console.WriteLine($"  round {round} AddEntityAsync x 1:  {F(plain, 0),6} msg/s  load {LoadAverage()}");
        }

        Console.WriteLine();
        Console.WriteLine("| variant | msg/s (median) | of AddEntityAsync at the same concurrency | load averages |");
        Console.WriteLine("|---|---|---|---|");
        double MedianOf(string variant) => Median(results.Where(r => r.Variant == variant).Select(r => r.Rate));
        foreach (var variant in results.Select(r => r.Variant).Distinct().Order(StringComparer.Ordinal))
        {
            var ratio = variant.StartsWith("processor batch ", StringComparison.Ordinal)
                ? F(MedianOf(variant) / MedianOf("AddEntityAsync x" + variant["processor batch ".Length..]), 2)
                : string.Empty;
            Console.WriteLine($"| {variant} | {F(MedianOf(variant), 0)} | {ratio} | {string.Join(", ", results.Where(r => r.Variant == variant).Select(r => r.Load))} |");
        }

        return 0;
    }

    /// <summary>Fills the queue, then times the DevHost's listener + processor until every message was processed.</summary>
    private static async Task<double> ProcessorAsync(int messages, int batchSize)
    {
        await using var azurite = await Azurite.StartAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddZapiFunctions(configuration, TransportSecurity.Application);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ErroredSendLedger>().EnsureTableAsync(CancellationToken.None);
        var queueService = provider.GetRequiredService<QueueServiceClient>();
        await FillAsync(queueService.GetQueueClient(Queue), messages);

        var processed = 0;
        var failed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new QueueTriggerSettings(batchSize, batchSize / 2, 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), "base64");
        using var listener = new QueueTriggerListener(
            queueService,
            Queue,
            settings,
            async (message, ct) =>
            {
                // Exactly the DevHost's handler (DevHostApp): a scope and the processor per message.
                try
                {
                    await using var scope = provider.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(message.Body, message.DequeueCount, ct);
                }
                catch
                {
                    Interlocked.Increment(ref failed);
                    throw;
                }

                if (Interlocked.Increment(ref processed) == messages)
                {
                    done.TrySetResult();
                }
            },
            NullLogger<QueueTriggerListener>.Instance);
        var clock = Stopwatch.StartNew();
        await listener.StartAsync(CancellationToken.None);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;
        await listener.StopAsync(CancellationToken.None);
        if (failed > 0)
        {
            Console.WriteLine($"    ({failed} processing failures)");
        }

        return messages / elapsed.TotalSeconds;
    }

    /// <summary>The ceiling: <paramref name="concurrency"/> loops of AddEntityAsync, nothing else.</summary>
    private static async Task<double> TableLoopAsync(int messages, int concurrency)
    {
        await using var azurite = await Azurite.StartAsync();
        var table = new TableClient(azurite.ConnectionString, "ZapiErroredSends");
        await table.CreateIfNotExistsAsync();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                await table.AddEntityAsync(new ErroredSendEntity
                {
                    PartitionKey = "3C67AB641C8AA0412F6A2242B4E23AC7",
                    RowKey = $"BENCH{i:D15}",
                    InstanceId = "3C67AB641C8AA0412F6A2242B4E23AC7",
                    MessageId = $"BENCH{i:D15}",
                    ZaapId = "A20DA9C0183A2D35A260F53F5D2B0010",
                    Phone = "5511987654321",
                    Error = "Phone number does not exist",
                    Category = "invalid-number",
                    Advice = "The number is not on WhatsApp: correct or remove the contact; do not resend.",
                    Momment = 1777494009341,
                    FirstSeen = DateTimeOffset.UtcNow,
                    LastSeen = DateTimeOffset.UtcNow,
                    FirstRequestId = Guid.NewGuid().ToString("N"),
                    LastRequestId = Guid.NewGuid().ToString("N"),
                    Occurrences = 1,
                });
            }
        }));
        return messages / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Distinct errored callbacks (every sample in samples/callbacks/errors, unique message ids) in envelopes.</summary>
    private static async Task FillAsync(QueueClient queue, int messages)
    {
        await queue.CreateIfNotExistsAsync();
        var samples = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "samples", "callbacks", "errors"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject())
            .ToArray();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var callback = (JsonObject)samples[i % samples.Length].DeepClone();
                callback["messageId"] = $"BENCH{i:D15}";
                var body = System.Text.Encoding.UTF8.GetBytes(callback.ToJsonString());
                await queue.SendMessageAsync(EnvelopeWriter.Write(DateTimeOffset.UtcNow, Guid.NewGuid().ToString("N"), null, body));
            }
        }));
    }
}
