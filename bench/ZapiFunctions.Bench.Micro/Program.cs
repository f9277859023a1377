using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/ZapiFunctions.Bench.Micro -- --filter '*'   (see bench/README.md)
// In-process (no generated project to build), 3 warm-up and 10 measured iterations: about a minute for everything.
var config = DefaultConfig.Instance.AddJob(
    Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
BenchmarkSwitcher.FromAssembly(typeof(ZapiFunctions.Bench.Micro.IngestBenchmarks).Assembly).Run(args, config);
