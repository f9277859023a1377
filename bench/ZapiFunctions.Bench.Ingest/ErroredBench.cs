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
/// Errored sends: messages/s through <see cref="ErroredSendProcessor"/> as the DevHost drives it (its
/// <see cref="QueueTriggerListener"/>: receive up to batchSize, run them concurrently, fetch the next batch once the
/// running ones are down to newBatchThreshold, delete each), beside its storage ceiling: the same storage calls and
/// nothing else (receive a batch, one table insert and one delete per message) at the same concurrency. Both for one
/// instance and for several at once on the same queue and table, each variant on a fresh Azurite filled before the
/// clock starts; notifications off. <c>AddEntityAsync</c> alone in loops is printed too, for reference.
/// </summary>
internal static class ErroredBench
{
    private const string Queue = "zapi-errored-sends";
    private const string Table = "ZapiErroredSends";

    /// <summary>Messages per second, and the CPU each message cost Azurite and this process (µs, user + system).</summary>
    private sealed record Result(double Rate, double AzuriteUs, double SelfUs);

    /// <summary>Reads both processes' CPU time when the clock starts and turns them into µs per message at the end.</summary>
    private sealed class CpuClock(Azurite azurite)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly TimeSpan _azurite = CpuTime(azurite.ProcessId ?? 0);
        private readonly TimeSpan _self = CpuTime(Environment.ProcessId);

        public Result Stop(int messages) => new(
            messages / _clock.Elapsed.TotalSeconds,
            (CpuTime(azurite.ProcessId ?? 0) - _azurite).TotalMicroseconds / messages,
            (CpuTime(Environment.ProcessId) - _self).TotalMicroseconds / messages);
    }

    public static async Task<int> RunAsync(Options options)
    {
        var rounds = options.Int("rounds", 3);
        var messages = options.Int("messages", 2000);
        var batch = options.Int("batch", 16);
        var threshold = options.Int("threshold", batch / 2);
        var instanceCounts = options.List("instances", "1,4").Select(int.Parse).ToArray();
        Console.WriteLine($"errored: {rounds} rounds, {messages} messages per run, batchSize {batch}, newBatchThreshold {threshold} "
            + $"(up to {batch + threshold} at once per instance), instances {string.Join("/", instanceCounts)}; pid {Environment.ProcessId}; load average at start {LoadAverage()}");
        var variants = instanceCounts
            .SelectMany(n => new[] { ("processor", n), ("storage ceiling", n) })
            .Append(("AddEntityAsync loops", 1))
            .ToArray();
        // One unmeasured pass of every variant first: otherwise the first run of each pays for the JIT compiling its
        // code (a clean run of 200 messages measured the processor at 0.49 of its ceiling that way, 0.8 after it).
        var warmup = options.Int("warmup", 300);
        if (warmup > 0)
        {
            Console.WriteLine($"  warm-up: every variant once with {warmup} messages, not measured");
            foreach (var (kind, instances) in variants)
            {
                _ = await RunVariantAsync(kind, warmup, batch, threshold, instances);
            }
        }

        var results = new List<(string Variant, Result Result, string Load)>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = variants.Skip((round - 1) % variants.Length).Concat(variants.Take((round - 1) % variants.Length));
            foreach (var (kind, instances) in order)
            {
                var result = await RunVariantAsync(kind, messages, batch, threshold, instances);
                var name = kind == "AddEntityAsync loops" ? $"AddEntityAsync x{batch + threshold}" : $"{kind}, {instances} instance{(instances == 1 ? "" : "s")}";
                results.Add((name, result, LoadAverage()));
                Console.WriteLine($"  round {round} {name,-30} {F(result.Rate, 0),6} msg/s  CPU per message: Azurite {F(result.AzuriteUs, 0)} us, harness {F(result.SelfUs, 0)} us  load {LoadAverage()}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("| variant | msg/s (median) | of the storage ceiling | Azurite CPU us/msg | harness CPU us/msg | load averages |");
        Console.WriteLine("|---|---|---|---|---|---|");
        double MedianOf(string variant, Func<Result, double>? of = null) => Median(results.Where(r => r.Variant == variant).Select(r => (of ?? (x => x.Rate))(r.Result)));
        foreach (var variant in results.Select(r => r.Variant).Distinct())
        {
            var ratio = variant.StartsWith("processor, ", StringComparison.Ordinal)
                ? F(MedianOf(variant) / MedianOf("storage ceiling, " + variant["processor, ".Length..]), 2) + " (goal >= 0.5)"
                : string.Empty;
            Console.WriteLine($"| {variant} | {F(MedianOf(variant), 0)} | {ratio} | {F(MedianOf(variant, r => r.AzuriteUs), 0)} | {F(MedianOf(variant, r => r.SelfUs), 0)} | {string.Join(", ", results.Where(r => r.Variant == variant).Select(r => r.Load))} |");
        }

        return 0;
    }

    private static Task<Result> RunVariantAsync(string kind, int messages, int batch, int threshold, int instances) => kind switch
    {
        "processor" => ProcessorAsync(messages, batch, threshold, instances),
        "storage ceiling" => StorageCeilingAsync(messages, batch, threshold, instances),
        _ => TableLoopAsync(messages, batch + threshold),
    };

    /// <summary>Fills the queue, then times <paramref name="instances"/> DevHost listeners + processors until every message was processed.</summary>
    private static async Task<Result> ProcessorAsync(int messages, int batchSize, int threshold, int instances)
    {
        await using var azurite = await Azurite.StartAsync();
        var processed = 0;
        var failed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new QueueTriggerSettings(batchSize, threshold, 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), "base64");
        var providers = new List<ServiceProvider>();
        var listeners = new List<QueueTriggerListener>();
        for (var i = 0; i < instances; i++)
        {
            // Each instance its own services and storage clients, as separate hosts would have.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString })
                .Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddZapiFunctions(configuration, TransportSecurity.Application);
            var provider = services.BuildServiceProvider();
            providers.Add(provider);
            listeners.Add(new QueueTriggerListener(
                provider.GetRequiredService<QueueServiceClient>(),
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
                NullLogger<QueueTriggerListener>.Instance));
        }

        await providers[0].GetRequiredService<ErroredSendLedger>().EnsureTableAsync(CancellationToken.None);
        await FillAsync(providers[0].GetRequiredService<QueueServiceClient>().GetQueueClient(Queue), messages);
        var clock = new CpuClock(azurite);
        foreach (var listener in listeners)
        {
            await listener.StartAsync(CancellationToken.None);
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var result = clock.Stop(messages);
        foreach (var listener in listeners)
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }

        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        if (failed > 0)
        {
            Console.WriteLine($"    ({failed} processing failures)");
        }

        return result;
    }

    /// <summary>
    /// The storage ceiling of errored sends: per instance, receive up to <paramref name="batchSize"/> messages whenever
    /// no more than <paramref name="threshold"/> are running, and for each one insert a ledger row and delete the
    /// message; nothing else (no envelope, parsing, scope, metrics or logging).
    /// </summary>
    private static async Task<Result> StorageCeilingAsync(int messages, int batchSize, int threshold, int instances)
    {
        await using var azurite = await Azurite.StartAsync();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        await FillAsync(new QueueClient(azurite.ConnectionString, Queue, queueOptions), messages);
        await new TableClient(azurite.ConnectionString, Table).CreateIfNotExistsAsync();
        var processed = 0;
        var clock = new CpuClock(azurite);
        await Task.WhenAll(Enumerable.Range(0, instances).Select(async _ =>
        {
            var queue = new QueueClient(azurite.ConnectionString, Queue, queueOptions);
            var table = new TableClient(azurite.ConnectionString, Table);
            var running = new HashSet<Task>();
            while (Volatile.Read(ref processed) < messages)
            {
                running.RemoveWhere(task => task.IsCompleted);
                while (running.Count > threshold)
                {
                    running.Remove(await Task.WhenAny(running));
                }

                var batch = (await queue.ReceiveMessagesAsync(batchSize, TimeSpan.FromMinutes(5))).Value;
                if (batch.Length == 0)
                {
                    // The rest are in another instance's hands (or this one's): wait for one to finish, as the runtime's
                    // back-off would before polling again.
                    if (running.Count > 0)
                    {
                        running.Remove(await Task.WhenAny(running));
                    }
                    else
                    {
                        await Task.Delay(100);
                    }

                    continue;
                }

                foreach (var message in batch)
                {
                    running.Add(Task.Run(async () =>
                    {
                        await table.AddEntityAsync(Row(message.MessageId));
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                        Interlocked.Increment(ref processed);
                    }));
                }
            }

            await Task.WhenAll(running);
        }));
        return clock.Stop(messages);
    }

    /// <summary>For reference: <paramref name="concurrency"/> loops of AddEntityAsync, nothing else.</summary>
    private static async Task<Result> TableLoopAsync(int messages, int concurrency)
    {
        await using var azurite = await Azurite.StartAsync();
        var table = new TableClient(azurite.ConnectionString, Table);
        await table.CreateIfNotExistsAsync();
        var next = -1;
        var clock = new CpuClock(azurite);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                await table.AddEntityAsync(Row($"BENCH{i:D15}"));
            }
        }));
        return clock.Stop(messages);
    }

    /// <summary>A ledger row of the size the processor writes.</summary>
    private static ErroredSendEntity Row(string id) => new()
    {
        PartitionKey = "3C67AB641C8AA0412F6A2242B4E23AC7",
        RowKey = id,
        InstanceId = "3C67AB641C8AA0412F6A2242B4E23AC7",
        MessageId = id,
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
    };

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
