using System.Net.Http.Json;
using ZapiFunctions.Testing;
using static ZapiFunctions.Bench.Ingest.Stats;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// Item 1 (and the memory of item 5): ingest beside its ceilings, in one run. Each variant gets a fresh in-memory
/// Azurite (a queue tens of thousands of messages long slows Azurite) and the same load generator; the order of the
/// variants rotates from round to round, and the medians over the rounds are reported with the ratios to (b).
/// </summary>
internal static class IngestBench
{
    private sealed record Run(string Variant, int Round, LoadResult Load, string LoadAverage, double SteadyMiB, double PeakMiB, long Queued, double CpuUsPerRequest, double IngestionCpuUsPerRequest, double AzuriteCpuUsPerRequest)
    {
        /// <summary>Which of the round's alternated windows (0-based).</summary>
        public int Window { get; init; }
    }

    // Before every window after a variant's first: new connections, and the server back from idle.
    private const int RewarmSeconds = 3;

    // Long enough for tiered compilation to settle: under this load the DevHost spends most of its first 10-20 s
    // compiling (dotnet-counters, bench/README.md), so a shorter warm-up measures the JIT rather than the app.
    private const int DefaultWarmupSeconds = 25;

    private delegate Task<LoadResult> Generator(Uri url, int connections, TimeSpan warmup, TimeSpan window, Action<TimeSpan>? tick, Action? windowStarts);

    public static async Task<int> RunAsync(Options options)
    {
        var rounds = options.Int("rounds", 3);
        var warmup = TimeSpan.FromSeconds(options.Int("warmup", DefaultWarmupSeconds));
        var window = TimeSpan.FromSeconds(options.Int("seconds", 15));
        var connections = options.Int("connections", 64);
        var windows = options.Int("windows", 1);
        var variants = options.List("variants", "bare,ceiling,devhost");
        var baseline = options.Get("baseline");
        var (generatorName, generator) = GeneratorOf(options);
        Console.WriteLine($"ingest: {rounds} rounds x [{string.Join(", ", variants)}], generator {generatorName}, {connections} connections, warm-up {warmup.TotalSeconds} s, {windows} window(s) of {window.TotalSeconds} s each; load average at start {LoadAverage()}");

        var runs = new List<Run>();
        var exports = new List<(IngestionStats Stats, long Callbacks)>();
        for (var round = 1; round <= rounds; round++)
        {
            // Rotate the order so that no variant always runs first or last.
            var order = variants.Skip((round - 1) % variants.Length).Concat(variants.Take((round - 1) % variants.Length)).ToArray();
            var subjects = new List<Subject>();
            try
            {
                foreach (var variant in order)
                {
                    subjects.Add(await StartAsync(variant, baseline));
                }

                // Windows alternate between the variants, all running: a slow spell of this shared machine falls on every
                // variant alike rather than on whichever ran during it.
                for (var w = 0; w < windows; w++)
                {
                    foreach (var subject in subjects.Skip(w % subjects.Count).Concat(subjects.Take(w % subjects.Count)))
                    {
                        var run = await MeasureAsync(subject, round, generator, connections, warmup, window) with { Window = w };
                        runs.Add(run);
                        Console.WriteLine($"  round {round}{(windows > 1 ? $".{w + 1}" : "")} {run.Variant,-14} {F(run.Load.Throughput, 0),7} req/s  p50 {F(run.Load.P50, 2),7} ms  p99 {F(run.Load.P99, 2),7} ms  failed {run.Load.Failed}  queued {run.Queued}  server CPU {F(run.CpuUsPerRequest, 0)} us/req  Azurite CPU {F(run.AzuriteCpuUsPerRequest, 0)} us/req  RSS steady {F(run.SteadyMiB, 0)} MiB peak {F(run.PeakMiB, 0)} MiB  load {run.LoadAverage}");
                        if (subject.Ingestion is not null)
                        {
                            Console.WriteLine($"    the fake endpoint's own CPU {F(run.IngestionCpuUsPerRequest, 0)} us/req");
                        }
                    }
                }

                foreach (var subject in subjects)
                {
                    if (await ExportedAsync(subject) is { } export)
                    {
                        exports.Add((export, subject.Stored));
                        Console.WriteLine($"    {subject.Variant} exported per callback, over its {subject.Stored} callbacks (warm-ups included): {ExportLine(export, subject.Stored)}");
                    }
                }
            }
            finally
            {
                foreach (var subject in subjects)
                {
                    await subject.DisposeAsync();
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| variant | req/s (median) | p50 ms | p99 ms | server CPU us/req | Azurite CPU us/req | RSS steady / peak MiB | load averages |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var medians = new Dictionary<string, (double Rps, double P50, double P99)>();
        foreach (var variant in variants)
        {
            var mine = runs.Where(r => r.Variant == variant).ToArray();
            var m = (Median(mine.Select(r => r.Load.Throughput)), Median(mine.Select(r => r.Load.P50)), Median(mine.Select(r => r.Load.P99)));
            medians[variant] = m;
            Console.WriteLine($"| {variant} | {F(m.Item1, 0)} | {F(m.Item2, 2)} | {F(m.Item3, 2)} | {F(Median(mine.Select(r => r.CpuUsPerRequest)), 0)} | {F(Median(mine.Select(r => r.AzuriteCpuUsPerRequest)), 0)} | {F(Median(mine.Select(r => r.SteadyMiB)), 0)} / {F(mine.Max(r => r.PeakMiB), 0)} | {string.Join(", ", mine.Select(r => r.LoadAverage))} |");
        }

        if (medians.TryGetValue("devhost", out var off) && medians.TryGetValue("devhost-export", out var on))
        {
            Console.WriteLine();
            Console.WriteLine($"devhost-export / devhost: throughput {F(on.Rps / off.Rps, 3)} (goal >= 0.95: export costs no throughput), p99 {F(on.P99 / off.P99, 2)}x");
            Console.WriteLine($"devhost-export dropped: {string.Join(", ", exports.Select(e => Dropped(e.Stats, e.Callbacks)))} of {string.Join(", ", exports.Select(e => 2 * e.Callbacks))} spans expected (goal: 0, or counted)");
        }

        foreach (var name in new[] { "ceiling", "ceiling-envelope" })
        {
            if (!medians.TryGetValue(name, out var ceiling))
            {
                continue;
            }

            Console.WriteLine();
            foreach (var (variant, m) in medians.Where(m => m.Key.StartsWith("devhost", StringComparison.Ordinal)))
            {
                Console.WriteLine($"{variant} / {name}: throughput {F(m.Rps / ceiling.Rps, 3)} (goal >= 0.95), p50 {F(m.P50 / ceiling.P50, 2)}x, p99 {F(m.P99 / ceiling.P99, 2)}x (goal <= 1.2x)");
                if (PairedRatios(runs, variant, name) is { Length: > 1 } paired)
                {
                    var interval = MedianInterval(paired) is { } i
                        ? $", {F(100 * i.Coverage, 1)} % interval of that median {F(i.Low, 3)}-{F(i.High, 3)} (sign test)"
                        : "";
                    Console.WriteLine($"  window by window: median {F(Median(paired), 3)}, range {F(paired.Min(), 3)}-{F(paired.Max(), 3)} over {paired.Length} pairs{interval}");
                }
            }

            if (medians.TryGetValue("bare", out var bare))
            {
                Console.WriteLine($"{name} / bare: throughput {F(ceiling.Rps / bare.Rps, 3)}");
            }
        }

        return 0;
    }

    /// <summary>
    /// The throughput of <paramref name="variant"/> over that of <paramref name="ceiling"/> in the same window of the
    /// same round: windows alternate, so each pair ran within a minute of each other and a slow spell of the machine
    /// falls on both; the spread of these ratios says how far one run's median ratio can be trusted.
    /// </summary>
    private static double[] PairedRatios(List<Run> runs, string variant, string ceiling) =>
        [.. runs.Where(r => r.Variant == variant)
            .Join(runs.Where(r => r.Variant == ceiling), r => (r.Round, r.Window), r => (r.Round, r.Window), (v, c) => v.Load.Throughput / c.Load.Throughput)];

    /// <summary>The load generator alone, against <c>--url</c>.</summary>
    public static async Task<int> LoadOnlyAsync(Options options)
    {
        var url = new Uri(options.Get("url") ?? throw new ArgumentException("--url is required"));
        var (_, generator) = GeneratorOf(options);
        var load = await generator(
            url, options.Int("connections", 64), TimeSpan.FromSeconds(options.Int("warmup", 5)), TimeSpan.FromSeconds(options.Int("seconds", 15)), null, null);
        Console.WriteLine($"{F(load.Throughput, 0)} req/s  p50 {F(load.P50, 2)} ms  p99 {F(load.P99, 2)} ms  failed {load.Failed}  load {LoadAverage()}");
        return 0;
    }

    private static (string Name, Generator Run) GeneratorOf(Options options) => options.Get("generator", "harness") switch
    {
        "harness" => ("harness", LoadGenerator.RunAsync),
        "wrk" => ("wrk", WrkGenerator.RunAsync),
        var other => throw new ArgumentException($"--generator '{other}' is not one: use harness or wrk"),
    };

    // A delivered callback on the DevHost exports two spans, its request and zapi.ingest (counted by name, so that a
    // failed storage call, a dependency too, cannot stand in for one): fewer arrived means dropped.
    private static long Dropped(IngestionStats export, long callbacks) =>
        Math.Max(0, callbacks - export.Count("RequestData")) + Math.Max(0, callbacks - export.IngestSpans);

    private static string ExportLine(IngestionStats export, long callbacks) =>
        $"{F(export.Total / (double)callbacks, 3)} items ({string.Join(", ", export.Items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key} {i.Value}"))} for {callbacks} callbacks; zapi.ingest {export.IngestSpans}), "
        + $"{F(export.Bytes / (double)callbacks, 0)} bytes of JSON ({F(export.PostedBytes / (double)callbacks, 0)} as posted), dropped {Dropped(export, callbacks)}";

    /// <summary>One variant's processes for a round: its own Azurite, its server and, for devhost-export, the fake ingestion endpoint.</summary>
    private sealed class Subject(string variant, Azurite azurite, ChildProcess server, ChildProcess? ingestion, string urls, string ingestionUrl) : IAsyncDisposable
    {
        public string Variant => variant;

        public ChildProcess Server => server;

        public ChildProcess? Ingestion => ingestion;

        public Uri Url { get; } = new(urls + "/api/zapi/on-send");

        /// <summary>Callbacks stored over the server's life, warm-ups included: what the exported spans are counted against.</summary>
        public long Stored { get; set; }

        public bool WarmedUp { get; set; }

        public Azurite Azurite => azurite;

        public string IngestionUrl => ingestionUrl;

        public async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            if (ingestion is not null)
            {
                await ingestion.DisposeAsync();
            }

            await azurite.DisposeAsync();
        }
    }

    private static async Task<Subject> StartAsync(string variant, string? baseline)
    {
        var azurite = await Azurite.StartAsync();
        var port = LoopbackPort.Free();
        var urls = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString };
        var ingestionUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var ingestion = variant == "devhost-export"
            ? ChildProcess.Start(ChildProcess.SelfDll, ["serve-ingestion", "--urls", ingestionUrl], new Dictionary<string, string>(), "ingestion")
            : null;
        if (ingestion is not null)
        {
            // Export on, to a local stand-in for Application Insights: what the DevHost pays for exporting.
            environment["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint={ingestionUrl}/";
            environment["AzureMonitorExporter__EnableLiveMetrics"] = "false";
            environment["AzureMonitorExporter__DisableOfflineStorage"] = "true";
            environment["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true";
            environment["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true";
            await ingestion.WaitUntilUpAsync(new Uri(ingestionUrl + "/healthz"), TimeSpan.FromSeconds(60));
        }

        var server = variant switch
        {
            "bare" => ChildProcess.Start(ChildProcess.SelfDll, ["serve-bare", "--urls", urls], environment, variant),
            "ceiling" => ChildProcess.Start(ChildProcess.SelfDll, ["serve-ceiling", "--urls", urls, "--storage", azurite.ConnectionString], environment, variant),

            // The ceiling making the storage call the app makes: its envelope around the body, with a trace parent,
            // and the deliveries queue's time-to-live, from inside the request's activity.
            "ceiling-envelope" => ChildProcess.Start(
                ChildProcess.SelfDll, ["serve-ceiling", "--urls", urls, "--storage", azurite.ConnectionString, "--envelope", "true"], environment, variant),

            // The same call outside any trace: no traceparent header, which the app's call always carries.
            "ceiling-untraced" => ChildProcess.Start(
                ChildProcess.SelfDll, ["serve-ceiling", "--urls", urls, "--storage", azurite.ConnectionString, "--envelope", "true", "--traced", "false"], environment, variant),

            // The app's handler and storage client (AddZapiFunctions) in the ceiling's bare Kestrel: what the DevHost costs
            // around the app's own work (its logging, request activity, hosted services).
            "ceiling-handler" => ChildProcess.Start(
                ChildProcess.SelfDll, ["serve-ceiling", "--urls", urls, "--storage", azurite.ConnectionString, "--handler", "true"], environment, variant),
            "devhost" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], environment, variant),

            // The DevHost with the server GC, as the Web SDK would have it (DOTNET_gcServer=1), beside its own, the worker's.
            "devhost-server-gc" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], new Dictionary<string, string>(environment) { ["DOTNET_gcServer"] = "1" }, variant),
            "devhost-export" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], environment, variant),

            // Before/after: another build of the DevHost (--baseline path/to/ZapiFunctions.DevHost.dll), e.g. of an earlier commit.
            "devhost-baseline" => ChildProcess.Start(
                baseline ?? throw new ArgumentException("variant devhost-baseline needs --baseline <ZapiFunctions.DevHost.dll>"), ["--urls", urls], environment, variant),

            // The DevHost as an ingest-only instance: its queue and timer functions switched off as under the host, so
            // that it makes no storage call but the queue writes (Azurite's receive on an empty queue and its peek cost
            // time in proportion to every message it holds, in any queue: bench/README.md).
            "devhost-ingest" => ChildProcess.Start(
                ChildProcess.DevHostDll,
                ["--urls", urls],
                new Dictionary<string, string>(environment)
                {
                    ["AzureWebJobs_ErroredSend_Disabled"] = "true",
                    ["AzureWebJobs_DeadLetter_Disabled"] = "true",
                    ["AzureWebJobs_Backlog_Disabled"] = "true",
                    ["AzureWebJobs_FallbackDrain_Disabled"] = "true",
                    ["AzureWebJobs_Retention_Disabled"] = "true",
                },
                variant),

            // Profiling: the DevHost without its one Information line per accepted callback.
            "devhost-quiet" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls, "--Logging:LogLevel:ZapiFunctions.Core.Ingest.OnSendHandler=Warning"], environment, variant),

            // Profiling: the DevHost with the OpenTelemetry SDK switched off (its standard variable).
            "devhost-nootel" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], new Dictionary<string, string>(environment) { ["OTEL_SDK_DISABLED"] = "true" }, variant),

            // Profiling: both of the above.
            "devhost-lean" => ChildProcess.Start(
                ChildProcess.DevHostDll,
                ["--urls", urls, "--Logging:LogLevel:ZapiFunctions.Core.Ingest.OnSendHandler=Warning"],
                new Dictionary<string, string>(environment) { ["OTEL_SDK_DISABLED"] = "true" },
                variant),
            _ => throw new ArgumentException($"unknown variant '{variant}'"),
        };
        var health = variant.StartsWith("devhost", StringComparison.Ordinal) ? "/api/healthz/live" : "/healthz";
        await server.WaitUntilUpAsync(new Uri(urls + health), TimeSpan.FromSeconds(60));
        return new Subject(variant, azurite, server, ingestion, urls, ingestionUrl);
    }

    /// <summary>
    /// One measured window: the warm-up first (the full one the first time, <see cref="RewarmSeconds"/> after that, for the
    /// connections), then the window; then what it stored is counted.
    /// </summary>
    private static async Task<Run> MeasureAsync(Subject subject, int round, Generator generator, int connections, TimeSpan warmup, TimeSpan window)
    {
        var server = subject.Server;
        var samples = new List<double>();
        var cpuAtWindowStart = TimeSpan.Zero;
        var ingestionCpuAtWindowStart = TimeSpan.Zero;
        var azuriteCpuAtWindowStart = TimeSpan.Zero;
        var load = await generator(
            subject.Url,
            connections,
            subject.WarmedUp ? TimeSpan.FromSeconds(RewarmSeconds) : warmup,
            window,
            _ => samples.Add(server.Memory().Rss),
            () =>
            {
                cpuAtWindowStart = server.CpuTime();
                ingestionCpuAtWindowStart = subject.Ingestion?.CpuTime() ?? TimeSpan.Zero;
                azuriteCpuAtWindowStart = CpuTime(subject.Azurite.ProcessId ?? 0);
            });
        subject.WarmedUp = true;
        var cpu = server.CpuTime() - cpuAtWindowStart;

        // The stand-in for Application Insights shares the machine; what it costs is the bench's, not the app's.
        var ingestionCpu = (subject.Ingestion?.CpuTime() ?? TimeSpan.Zero) - ingestionCpuAtWindowStart;

        // The emulator's work per request: a larger message (the envelope) or a background call costs it more.
        var azuriteCpu = CpuTime(subject.Azurite.ProcessId ?? 0) - azuriteCpuAtWindowStart;
        var (_, peak) = server.Memory();
        var loadAverage = LoadAverage();
        if (server.HasExited)
        {
            throw new InvalidOperationException($"{subject.Variant} exited during the run: {server.Tail()}");
        }

        long queued = 0;
        if (subject.Variant != "bare")
        {
            // Counted, then the emulator started afresh for the next window (FreshEmulatorAsync says why).
            queued = await SettledCountAsync(subject.Azurite.Queue("zapi-deliveries"));
            subject.Stored += queued;
            await FreshEmulatorAsync(subject.Azurite);
        }

        return new Run(subject.Variant, round, load, loadAverage, Median(samples), peak, queued, cpu.TotalMicroseconds / load.Completed, ingestionCpu.TotalMicroseconds / load.Completed, azuriteCpu.TotalMicroseconds / load.Completed);
    }

    /// <summary>
    /// Every window on an empty emulator, as the first: Azurite is restarted on the same ports (in memory, so empty) and the
    /// queues and tables it held are created again, so that the server under test keeps its clients and connections.
    /// Without it the deliveries queue, which nothing consumes here, grew by some 10,000 messages a window, and Azurite's
    /// answer to every poll and peek grows with the messages it holds (<see cref="PollCostBench"/>): by the sixth window
    /// the DevHost's pollers stalled every queue write for most of a second. A deployment's consumer keeps that queue
    /// short, and Azure Storage answers a poll in milliseconds whatever it holds.
    /// </summary>
    private static async Task FreshEmulatorAsync(Azurite azurite)
    {
        var queues = new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString);
        var tables = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString);
        var queueNames = new List<string>();
        await foreach (var queue in queues.GetQueuesAsync())
        {
            queueNames.Add(queue.Name);
        }

        var tableNames = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            tableNames.Add(table.Name);
        }

        await azurite.StopAsync();
        await azurite.StartAgainAsync();
        foreach (var name in queueNames)
        {
            await queues.CreateQueueAsync(name);
        }

        foreach (var name in tableNames)
        {
            await tables.CreateTableAsync(name);
        }
    }

    /// <summary>The queue's length once the requests still in flight when the load stopped have been stored.</summary>
    private static async Task<long> SettledCountAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        long last = -1;
        while (true)
        {
            long now = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (now == last || DateTime.UtcNow > deadline)
            {
                return now;
            }

            last = now;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>For devhost-export: stops the DevHost gracefully (which flushes the exporter), then reads what arrived.</summary>
    private static async Task<IngestionStats?> ExportedAsync(Subject subject)
    {
        if (subject.Ingestion is null)
        {
            return null;
        }

        await subject.Server.StopAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient();
        return await client.GetFromJsonAsync<IngestionStats>(new Uri(subject.IngestionUrl + "/stats"));
    }
}
