using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZapiFunctions.Testing;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// The independent load generator (<c>--generator wrk</c>): Debian's <c>wrk</c> with <c>wrk/post.lua</c>, which posts
/// the same callback as <see cref="LoadGenerator"/> with a distinct messageId per request. One wrk run for the warm-up
/// (not measured), then one for the window, whose own summary (requests, non-2xx answers, latency percentiles) is
/// the result.
/// </summary>
internal static class WrkGenerator
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "bench", "ZapiFunctions.Bench.Ingest", "wrk", "post.lua");

    public static async Task<LoadResult> RunAsync(Uri url, int connections, TimeSpan warmup, TimeSpan window, Action<TimeSpan>? tick = null, Action? windowStarts = null)
    {
        // A prefix per run, so that the window's messageIds differ from the warm-up's, and from any earlier run's.
        var run = Guid.NewGuid().ToString("N")[..8];
        await RunOnceAsync(url, connections, warmup, $"W{run}w");
        windowStarts?.Invoke();
        var clock = Stopwatch.StartNew();
        var measured = RunOnceAsync(url, connections, window, $"W{run}m");
        while (await Task.WhenAny(measured, Task.Delay(TimeSpan.FromSeconds(1))) != measured)
        {
            tick?.Invoke(clock.Elapsed);
        }

        var summary = await measured;
        var failed = summary.Non2xx + summary.Connect + summary.Read + summary.Write + summary.Timeout;
        return new LoadResult(
            (int)(summary.Requests - summary.Non2xx), (int)failed, TimeSpan.FromMicroseconds(summary.DurationUs), summary.P50Us / 1000.0, summary.P99Us / 1000.0);
    }

    private static async Task<Summary> RunOnceAsync(Uri url, int connections, TimeSpan duration, string prefix)
    {
        var start = new ProcessStartInfo("wrk")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // One thread per core, as the harness's generator has the thread pool; --latency is not needed (done() reads it).
        foreach (var arg in new[]
        {
            "-t", Math.Min(Environment.ProcessorCount, connections).ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
            "--timeout", "30s",
            "-s", Script,
            url.ToString(),
            "--", LoadGenerator.CallbackFile, prefix,
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("wrk is not installed: install it (sudo apt-get install wrk) or use --generator harness");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var line = (await output).Split('\n').LastOrDefault(l => l.StartsWith('{'));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException($"wrk failed (exit code {process.ExitCode}): {(await errors).Trim()} {(await output).Trim()}");
            }

            return JsonSerializer.Deserialize<Summary>(line, JsonOptions)!;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The line post.lua's done() writes.</summary>
    private sealed record Summary(
        long Requests,
        [property: JsonPropertyName("duration_us")] long DurationUs,
        long Non2xx,
        long Connect,
        long Read,
        long Write,
        long Timeout,
        [property: JsonPropertyName("p50_us")] long P50Us,
        [property: JsonPropertyName("p99_us")] long P99Us);
}
