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
    private sealed record Run(string Variant, int Round, LoadResult Load, string LoadAverage, double SteadyMiB, double PeakMiB, long Queued, double CpuUsPerRequest, IngestionStats? Export, double IngestionCpuUsPerRequest);

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
        var variants = options.List("variants", "bare,ceiling,devhost");
        var baseline = options.Get("baseline");
        var (generatorName, generator) = GeneratorOf(options);
        Console.WriteLine($"ingest: {rounds} rounds x [{string.Join(", ", variants)}], generator {generatorName}, {connections} connections, warm-up {warmup.TotalSeconds} s, window {window.TotalSeconds} s; load average at start {LoadAverage()}");

        var runs = new List<Run>();
        for (var round = 1; round <= rounds; round++)
        {
            // Rotate the order so that no variant always runs first or last.
            var order = variants.Skip((round - 1) % variants.Length).Concat(variants.Take((round - 1) % variants.Length));
            foreach (var variant in order)
            {
                var run = await RunOneAsync(variant, round, generator, connections, warmup, window, baseline);
                runs.Add(run);
                Console.WriteLine($"  round {round} {variant,-14} {F(run.Load.Throughput, 0),7} req/s  p50 {F(run.Load.P50, 2),7} ms  p99 {F(run.Load.P99, 2),7} ms  failed {run.Load.Failed}  queued {run.Queued}  server CPU {F(run.CpuUsPerRequest, 0)} us/req  RSS steady {F(run.SteadyMiB, 0)} MiB peak {F(run.PeakMiB, 0)} MiB  load {run.LoadAverage}");
                if (run.Export is { } export)
                {
                    Console.WriteLine($"    exported per callback: {ExportLine(export, run.Queued)}; the fake endpoint's own CPU {F(run.IngestionCpuUsPerRequest, 0)} us/req");
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| variant | req/s (median) | p50 ms | p99 ms | server CPU us/req | RSS steady / peak MiB | load averages |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var medians = new Dictionary<string, (double Rps, double P50, double P99)>();
        foreach (var variant in variants)
        {
            var mine = runs.Where(r => r.Variant == variant).ToArray();
            var m = (Median(mine.Select(r => r.Load.Throughput)), Median(mine.Select(r => r.Load.P50)), Median(mine.Select(r => r.Load.P99)));
            medians[variant] = m;
            Console.WriteLine($"| {variant} | {F(m.Item1, 0)} | {F(m.Item2, 2)} | {F(m.Item3, 2)} | {F(Median(mine.Select(r => r.CpuUsPerRequest)), 0)} | {F(Median(mine.Select(r => r.SteadyMiB)), 0)} / {F(mine.Max(r => r.PeakMiB), 0)} | {string.Join(", ", mine.Select(r => r.LoadAverage))} |");
        }

        if (medians.TryGetValue("devhost", out var off) && medians.TryGetValue("devhost-export", out var on))
        {
            Console.WriteLine();
            Console.WriteLine($"devhost-export / devhost: throughput {F(on.Rps / off.Rps, 3)} (goal >= 0.95: export costs no throughput), p99 {F(on.P99 / off.P99, 2)}x");
            var exported = runs.Where(r => r.Export is not null).ToArray();
            Console.WriteLine($"devhost-export dropped: {string.Join(", ", exported.Select(r => Dropped(r.Export!, r.Queued)))} of {string.Join(", ", exported.Select(r => 2 * r.Queued))} spans expected (goal: 0, or counted)");
        }

        if (medians.TryGetValue("ceiling", out var ceiling))
        {
            Console.WriteLine();
            foreach (var (variant, m) in medians.Where(m => m.Key.StartsWith("devhost", StringComparison.Ordinal)))
            {
                Console.WriteLine($"{variant} / ceiling: throughput {F(m.Rps / ceiling.Rps, 3)} (goal >= 0.95), p50 {F(m.P50 / ceiling.P50, 2)}x, p99 {F(m.P99 / ceiling.P99, 2)}x (goal <= 1.2x)");
            }

            if (medians.TryGetValue("bare", out var bare))
            {
                Console.WriteLine($"ceiling / bare: throughput {F(ceiling.Rps / bare.Rps, 3)}");
            }
        }

        return 0;
    }

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

    // A delivered callback on the DevHost exports two spans (its request and zapi.ingest): fewer arrived means dropped.
    private static long Dropped(IngestionStats export, long callbacks) =>
        Math.Max(0, (2 * callbacks) - export.Count("RequestData") - export.Count("RemoteDependencyData"));

    private static string ExportLine(IngestionStats export, long callbacks) =>
        $"{F(export.Total / (double)callbacks, 3)} items ({string.Join(", ", export.Items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key} {i.Value}"))} for {callbacks} callbacks), "
        + $"{F(export.Bytes / (double)callbacks, 0)} bytes of JSON ({F(export.PostedBytes / (double)callbacks, 0)} as posted), dropped {Dropped(export, callbacks)}";

    private static async Task<Run> RunOneAsync(string variant, int round, Generator generator, int connections, TimeSpan warmup, TimeSpan window, string? baseline)
    {
        await using var azurite = await Azurite.StartAsync();
        var port = LoopbackPort.Free();
        var urls = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString };
        var ingestionUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        await using var ingestion = variant == "devhost-export"
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

        await using var server = variant switch
        {
            "bare" => ChildProcess.Start(ChildProcess.SelfDll, ["serve-bare", "--urls", urls], environment, variant),
            "ceiling" => ChildProcess.Start(ChildProcess.SelfDll, ["serve-ceiling", "--urls", urls, "--storage", azurite.ConnectionString], environment, variant),
            "devhost" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], environment, variant),
            "devhost-export" => ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", urls], environment, variant),

            // Before/after: another build of the DevHost (--baseline path/to/ZapiFunctions.DevHost.dll), e.g. of an earlier commit.
            "devhost-baseline" => ChildProcess.Start(
                baseline ?? throw new ArgumentException("variant devhost-baseline needs --baseline <ZapiFunctions.DevHost.dll>"), ["--urls", urls], environment, variant),

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

        var samples = new List<double>();
        var cpuAtWindowStart = TimeSpan.Zero;
        var ingestionCpuAtWindowStart = TimeSpan.Zero;
        var load = await generator(
            new Uri(urls + "/api/zapi/on-send"),
            connections,
            warmup,
            window,
            _ => samples.Add(server.Memory().Rss),
            () =>
            {
                cpuAtWindowStart = server.CpuTime();
                ingestionCpuAtWindowStart = ingestion?.CpuTime() ?? TimeSpan.Zero;
            });
        var cpu = server.CpuTime() - cpuAtWindowStart;

        // The stand-in for Application Insights shares the machine; what it costs is the bench's, not the app's.
        var ingestionCpu = (ingestion?.CpuTime() ?? TimeSpan.Zero) - ingestionCpuAtWindowStart;
        var (_, peak) = server.Memory();
        var loadAverage = LoadAverage();
        if (server.HasExited)
        {
            throw new InvalidOperationException($"{variant} exited during the run: {server.Tail()}");
        }

        long queued = 0;
        if (variant != "bare")
        {
            queued = (await azurite.Queue("zapi-deliveries").GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }

        IngestionStats? export = null;
        if (ingestion is not null)
        {
            // A graceful stop flushes what the exporter still holds; then everything it sent has arrived.
            await server.StopAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient();
            export = await client.GetFromJsonAsync<IngestionStats>(new Uri(ingestionUrl + "/stats"));
        }

        return new Run(variant, round, load, loadAverage, Median(samples), peak, queued, cpu.TotalMicroseconds / load.Completed, export, ingestionCpu.TotalMicroseconds / load.Completed);
    }
}
