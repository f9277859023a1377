using System.Diagnostics;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>bench/paired-cpu.sh refuses a wrong command line in one line, before it starts or needs anything.</summary>
public sealed class BenchScriptTests
{
    [Theory]
    [InlineData]
    [InlineData("devhost")]
    [InlineData("devhost", "ceiling-envelope", "ceiling-handler")]
    public async Task Paired_cpu_without_two_variants_prints_its_usage_in_one_line(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("usage: bench/paired-cpu.sh A B", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ceiling", "devhost")]
    [InlineData("devhost", "devhost:")]
    public async Task Paired_cpu_names_an_unknown_variant_in_one_line(string first, string second)
    {
        var (exitCode, output, error) = await RunAsync([first, second]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: unknown variant '", line, StringComparison.Ordinal);
        Assert.Contains("use ceiling-envelope, ceiling-handler, devhost, devhost-ingest or devhost:NAME=value", line, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "bench", "paired-cpu.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        return (process.ExitCode, await output, await error);
    }
}
