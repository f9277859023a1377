using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;
using static ZapiFunctions.Bench.Ingest.Stats;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// Item 4: the DevHost (Release) from process start to the first 200 on /api/healthz/live with Azurite up, N times;
/// and what the app itself adds, timed in-process in a fresh process each time (so each step is as cold as at a
/// real start-up): building its services, options validation, queue creation, table creation.
/// </summary>
internal static class StartupBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var runs = options.Int("runs", 5);
        await using var azurite = await Azurite.StartAsync();
        var environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString };
        Console.WriteLine($"startup: {runs} runs, Azurite up; load average at start {LoadAverage()}");

        var totals = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var port = LoopbackPort.Free();
            var url = new Uri($"http://127.0.0.1:{port}/api/healthz/live");
            var clock = Stopwatch.StartNew();
            await using var devHost = ChildProcess.Start(ChildProcess.DevHostDll, ["--urls", $"http://127.0.0.1:{port}"], environment, "startup");
            await devHost.WaitUntilUpAsync(url, TimeSpan.FromSeconds(60));
            totals.Add(clock.Elapsed.TotalMilliseconds);
            Console.WriteLine($"  run {run}: first 200 after {F(clock.Elapsed.TotalMilliseconds, 0)} ms  load {LoadAverage()}");
        }

        // The in-process steps, each run in a fresh process (this harness's startup-steps command).
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var run = 1; run <= runs; run++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { ChildProcess.SelfDll, "startup-steps", "--storage", azurite.ConnectionString })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('\t');
                if (parts.Length == 2)
                {
                    steps.TryAdd(parts[0], []);
                    steps[parts[0]].Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| measure | median ms | runs (ms) |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| DevHost process start -> first 200 on /api/healthz/live | {F(Median(totals), 0)} | {string.Join(", ", totals.Select(t => F(t, 0)))} |");
        foreach (var (step, values) in steps)
        {
            Console.WriteLine($"| {step} | {F(Median(values), 1)} | {string.Join(", ", values.Select(t => F(t, 1)))} |");
        }

        Console.WriteLine($"load average at end {LoadAverage()}");
        return 0;
    }

    /// <summary>Child: the app's own start-up steps, cold, one line each (<c>name\tms</c>).</summary>
    public static async Task<int> RunStepsAsync(Options options)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = options.Get("storage") })
            .Build();
        var clock = Stopwatch.StartNew();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddZapiFunctions(configuration, TransportSecurity.Application);
        await using var provider = services.BuildServiceProvider();
        Step("register and build the app's services (AddZapiFunctions)", clock);

        var problems = StartupProblems.Find(provider);
        Step($"options validation (StartupProblems.Find: {problems.Count} problems)", clock);

        var zapi = provider.GetRequiredService<IOptions<ZapiOptions>>().Value;
        await provider.GetRequiredService<IQueueWriter>().EnsureQueuesAsync([zapi.DeliveriesQueue, zapi.ErroredSendsQueue], CancellationToken.None);
        Step("queue creation (2 queues, CreateIfNotExists, first storage calls of the process)", clock);

        await provider.GetRequiredService<ErroredSendLedger>().EnsureTableAsync(CancellationToken.None);
        Step("table creation (CreateIfNotExists)", clock);
        return 0;
    }

    private static void Step(string name, Stopwatch clock)
    {
        Console.WriteLine($"{name}\t{clock.Elapsed.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}");
        clock.Restart();
    }
}
