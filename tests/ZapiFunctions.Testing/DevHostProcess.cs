using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;

namespace ZapiFunctions.Testing;

/// <summary>The DevHost as a real process on a free loopback port, configured through its own settings files.</summary>
public sealed class DevHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private DevHostProcess(Process process, string directory, Uri baseAddress, int maxDequeueCount)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
        MaxDequeueCount = maxDequeueCount;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int MaxDequeueCount { get; }

    /// <summary>Every line the process printed.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>
    /// Starts the DevHost against <paramref name="azurite"/>, with the repository's host.json except for shorter
    /// waits (visibility timeout and polling), so retries and poison handling take seconds here.
    /// <paramref name="options"/> adds arguments and environment variables (see <see cref="DevHostStart"/>).
    /// </summary>
    public static async Task<DevHostProcess> StartAsync(Azurite azurite, DevHostStart? options = null)
    {
        options ??= new DevHostStart();
        var directory = Directory.CreateTempSubdirectory("zapi-devhost-").FullName;
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json")))!;
        settings["Values"]!["AzureWebJobsStorage"] = azurite.ConnectionString;
        var settingsFile = Path.Combine(directory, "local.settings.json");
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());

        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;
        var queues = host["extensions"]!["queues"]!;
        queues["visibilityTimeout"] = "00:00:00.200";
        queues["maxPollingInterval"] = "00:00:00.500";
        var hostJson = Path.Combine(directory, "host.json");
        await File.WriteAllTextAsync(hostJson, host.ToJsonString());

        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // What the test does not set must not come from the runner's environment either.
        foreach (var name in start.Environment.Keys.Where(DevHostStart.IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        List<string> args =
        [
            DevHostAssembly(), $"--DevHost:SettingsFile={settingsFile}", $"--DevHost:HostJson={hostJson}",
            "--DevHost:MetricsExportInterval=01:00:00",
        ];
        if (!options.NamesUrl)
        {
            args.Add($"--DevHost:Urls={url}");
        }

        args.AddRange(options.Args.Select(arg => arg.Replace(DevHostStart.Url, url, StringComparison.Ordinal)));
        args.ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value.Replace(DevHostStart.Url, url, StringComparison.Ordinal);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("DevHost did not start");
        var devHost = new DevHostProcess(process, directory, new Uri(url), (int)queues["maxDequeueCount"]!);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) devHost.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) devHost.Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await Poll.UntilAsync(
                async () => process.HasExited
                    ? throw new InvalidOperationException("DevHost exited:\n" + string.Join('\n', devHost.Output))
                    : (await devHost.Client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode,
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60),
                "the DevHost's /healthz");
        }
        catch
        {
            await devHost.DisposeAsync();
            throw;
        }

        return devHost;
    }

    /// <summary>
    /// Waits until the DevHost has printed a line <paramref name="match"/> accepts and returns everything printed so
    /// far. What the DevHost does (a queue write) can be seen before the line it logs about it has come through the
    /// pipe, so a test that checks the output after seeing the effect waits for the line first.
    /// </summary>
    public Task<string[]> OutputUntilAsync(Func<string, bool> match, string what) =>
        Poll.UntilAsync(() => Task.FromResult<string[]>([.. Output]), lines => lines.Any(match), TimeSpan.FromSeconds(30), what);

    /// <summary>Posts <paramref name="json"/> to <paramref name="path"/>: the shared URL unless a per-instance one is given.</summary>
    public Task<HttpResponseMessage> PostCallbackAsync(string json, string path = "/api/zapi/on-send") =>
        Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>
    /// Stops the DevHost as run.sh and Ctrl+C do (a signal, then a graceful shutdown) and waits until it has exited
    /// and <see cref="Output"/> holds everything it printed. Returns its exit code.
    /// </summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])
                ?? throw new InvalidOperationException("kill did not start");
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static string DevHostAssembly()
    {
        var configuration = typeof(DevHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "src", "ZapiFunctions.DevHost", "bin", configuration, "net10.0", "ZapiFunctions.DevHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the DevHost first ({configuration}).", path);
    }
}
