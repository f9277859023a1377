using System.Globalization;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>The harness's commands. The <c>serve-*</c> and <c>startup-steps</c> commands are its own child processes.</summary>
internal static class BenchCommands
{
    public const string Usage = """
        usage: ZapiFunctions.Bench.Ingest <command> [--option value ...]
          ingest    [--rounds 3] [--seconds 15] [--warmup 25] [--connections 64] [--variants bare,ceiling,devhost]
                    [--generator harness|wrk] [--windows 1]
                    ingest beside its ceilings: (a) bare Kestrel 200, (b) Kestrel + one SendMessageAsync,
                    (c) the DevHost (Release, own process); a fresh Azurite per variant, variants alternated per round;
                    --windows N: per round, every variant started and warmed once, then N windows each, alternated,
                    each window on an emptied Azurite (restarted on its ports, its queues and tables created again).
                    ceiling-envelope: (b) making the app's storage call: its envelope around the body, with a trace
                    parent, and the deliveries queue's time-to-live (never), inside the request's activity (so the
                    SDK sends a traceparent header, as for the app); ceiling-untraced: the same outside any activity;
                    ceiling-handler: the app's own handler and storage client in (b)'s Kestrel, without the DevHost.
                    devhost-ingest: the DevHost with its queue and timer functions off (AzureWebJobs_<name>_Disabled).
                    devhost-export: the DevHost exporting to a local fake ingestion endpoint (items, bytes, drops).
                    Extra variants for profiling: devhost-quiet (no per-callback log line), devhost-nootel
                    (OTEL_SDK_DISABLED=true), devhost-lean (both), devhost-baseline (--baseline <other DevHost dll>),
                    devhost-server-gc (DOTNET_gcServer=1: the Web SDK's GC, not the worker's).
          load      --url http://127.0.0.1:7071/api/zapi/on-send [--seconds 15] [--warmup 5] [--connections 64]
                    [--generator harness|wrk]
                    the same load generator against a server you started yourself (e.g. to profile it).
          errored   [--rounds 3] [--messages 2000] [--batch 16] [--threshold 8] [--instances 1,4] [--warmup 300]
                    ErroredSendProcessor driven by the DevHost's QueueTriggerListener beside its storage ceiling
                    (receive a batch, insert, delete at batchSize + newBatchThreshold), for 1 and several instances;
                    every variant runs once first with --warmup messages, not measured (0: none).
          poll-cost [--sizes 1000,10000,40000] [--repeat 5]
                    what Azurite takes for the DevHost's background calls (a queue trigger's poll of an empty queue,
                    the backlog's peek and length) as the deliveries queue grows, beside one write.
          startup   [--runs 5]
                    DevHost process start to first 200 on /api/healthz/live (Azurite up), and the app's own start-up
                    steps timed in-process (options validation, queue and table creation), each in a fresh process.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var options = Options.Parse(args.Skip(1).ToArray());
        switch (args[0])
        {
            case "ingest":
                return await IngestBench.RunAsync(options);
            case "load":
                return await IngestBench.LoadOnlyAsync(options);
            case "errored":
                return await ErroredBench.RunAsync(options);
            case "startup":
                return await StartupBench.RunAsync(options);
            case "poll-cost":
                return await PollCostBench.RunAsync(options);
            case "serve-bare":
                return await Servers.RunBareAsync(options);
            case "serve-ceiling":
                return await Servers.RunCeilingAsync(options);
            case "serve-ingestion":
                return await Servers.RunIngestionAsync(options);
            case "startup-steps":
                return await StartupBench.RunStepsAsync(options);
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        return new Options(values);
    }

    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int Int(string name, int fallback) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public string[] List(string name, string fallback) =>
        Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
