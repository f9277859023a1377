using System.Diagnostics;
using System.Globalization;
using ZapiFunctions.Testing;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>
/// A server under test as a real process, its output to a log file (not a pipe the harness must drain), with its
/// resident memory read from /proc.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string log)
    {
        _process = process;
        LogFile = log;
    }

    public string LogFile { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The Release DevHost built beside this harness (dotnet run -c Release builds it as a project reference).</summary>
    public static string DevHostDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            var dll = Path.Combine(RepositoryRoot.Path, "src", "ZapiFunctions.DevHost", "bin", configuration, "net10.0", "ZapiFunctions.DevHost.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution in {configuration} first.");
        }
    }

    /// <summary>This harness's own assembly, for the serve-* child commands.</summary>
    public static string SelfDll => typeof(ChildProcess).Assembly.Location;

    public static ChildProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string> environment, string name)
    {
        var log = Path.Combine(Path.GetTempPath(), $"zapi-bench-{name}-{Environment.ProcessId}.log");
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };

        // exec: the process id is the server's own, so /proc/<id> reads its memory.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$@\" > \"$LOG\" 2>&1");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LOG"] = log;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start"), log);
    }

    /// <summary>Waits until <paramref name="url"/> answers 200.</summary>
    public async Task WaitUntilUpAsync(Uri url, TimeSpan deadline)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited (code {_process.ExitCode}): {Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{url} did not answer 200 within {deadline}: {Tail()}");
    }

    /// <summary>Resident set size and its peak (VmRSS, VmHWM) in MiB, from /proc/&lt;pid&gt;/status.</summary>
    public (double Rss, double Peak) Memory()
    {
        try
        {
            double rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line) / 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kib(line) / 1024;
                }
            }

            return (rss, hwm);
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }
    }

    /// <summary>CPU time (user + system) the process used so far, from /proc/&lt;pid&gt;/stat (clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime() => Stats.CpuTime(_process.Id);

    /// <summary>
    /// Stops the process as a service manager would (SIGTERM), so that it shuts down gracefully (the DevHost flushes
    /// its telemetry then), and waits for it to exit.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan deadline)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not stop within {deadline} of SIGTERM: {Tail()}");
        }

        return _process.ExitCode;
    }

    public string Tail()
    {
        try
        {
            return string.Join(" | ", File.ReadLines(LogFile).TakeLast(5));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            File.Delete(LogFile);
        }
        catch (IOException)
        {
        }
    }

    private static double Kib(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
