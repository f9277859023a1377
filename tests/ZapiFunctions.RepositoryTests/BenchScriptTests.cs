using System.Diagnostics;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>bench/paired-cpu.sh refuses a wrong command line in one line, before starting anything.</summary>
public sealed class BenchScriptTests
{
    [Theory]
    [InlineData]
    [InlineData("devhost")]
    [InlineData("devhost", "ceiling-envelope", "ceiling-handler")]
    public async Task Paired_cpu_without_two_variants_prints_its_usage_in_one_line(params string[] args)
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

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await output);
        var line = Assert.Single((await error).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("usage: bench/paired-cpu.sh A B", line, StringComparison.Ordinal);
    }
}
