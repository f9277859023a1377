using System.Globalization;
using System.Net.Sockets;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>
/// run.sh --func, run with bash in a scratch copy of the repository's layout (run.sh, the settings sample, the
/// installed Azurite) with a stand-in <c>func</c>, real Azurite on free ports, as its own process group.
/// </summary>
public sealed class RunScriptTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string Sample = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json"));

    private readonly string _root = Directory.CreateTempSubdirectory("zapi-run-sh-").FullName;
    private readonly int[] _ports = [LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free()];
    private ProcessGroup? _run;

    private string Bin => Path.Combine(_root, "bin");

    private string Project => Path.Combine(_root, "repo", "src", "ZapiFunctions");

    private string LocalSettings => Path.Combine(Project, "local.settings.json");

    private string AzuriteData => Path.Combine(_root, "repo", ".azurite", $"ports-{_ports[0]}-{_ports[1]}-{_ports[2]}");

    private string Record(string name) => Path.Combine(_root, "record", name);

    public Task InitializeAsync()
    {
        var repo = Path.Combine(_root, "repo");
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(_root, "record"));
        File.Copy(Path.Combine(RepositoryRoot.Path, "run.sh"), Path.Combine(repo, "run.sh"));
        File.Copy(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json"), Path.Combine(repo, "local.settings.sample.json"));
        // The installed Azurite, shared: run.sh must find it current (test.sh runs npm ci first), so npm is a stand-in
        // that refuses, which keeps a stale install from being redone through the link.
        var nodeModules = Path.Combine(RepositoryRoot.Path, "node_modules");
        if (!File.Exists(Path.Combine(nodeModules, ".bin", "azurite")))
        {
            throw new InvalidOperationException("Azurite is not installed: run 'npm ci' at the repository root (test.sh does).");
        }

        File.CreateSymbolicLink(Path.Combine(repo, "node_modules"), nodeModules);
        File.CreateSymbolicLink(Path.Combine(repo, "package-lock.json"), Path.Combine(RepositoryRoot.Path, "package-lock.json"));
        WriteExecutable(Bin, "npm", "#!/bin/bash\necho \"stand-in npm: run 'npm ci' at the repository root first\" >&2\nexit 1\n");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Func_mode_without_func_on_path_says_so_in_one_line_and_exits_1()
    {
        // The usual PATH without any folder that holds a func.
        var path = string.Join(
            Path.PathSeparator,
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(directory => !File.Exists(Path.Combine(directory, "func"))));

        var code = await Run(path, "--func");

        Assert.Equal(1, code);
        var line = Assert.Single(_run!.Output, l => l.Trim().Length > 0);
        Assert.StartsWith("run.sh: Azure Functions Core Tools ('func') is not on PATH; install them (npm i -g azure-functions-core-tools@4 --unsafe-perm true", line, StringComparison.Ordinal);
        Assert.False(File.Exists(LocalSettings));
        Assert.False(Directory.Exists(Path.Combine(_root, "repo", ".azurite")));
    }

    [Fact]
    public async Task Func_mode_makes_local_settings_from_the_sample_then_runs_func_start_with_the_arguments_in_the_project_while_azurite_runs()
    {
        StandInFunc("wait");

        _run = Start(StandInPath(), "--func", "--port", "7999", "--verbose");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(Record("ready"))), ready => ready || _run.HasExited, Deadline, "the stand-in func to start");
        Assert.True(File.Exists(Record("ready")), string.Join('\n', _run.Output));
        var members = _run.Members();
        File.WriteAllText(Record("go"), string.Empty);
        var code = await _run.WaitForExitAsync(Deadline);

        Assert.True(code == 0, string.Join('\n', _run.Output));
        Assert.Equal(["start", "--port", "7999", "--verbose"], File.ReadAllLines(Record("args")));
        Assert.Equal(Project, File.ReadAllText(Record("cwd")).Trim());
        Assert.Equal(Sample, File.ReadAllText(LocalSettings));
        Assert.Equal("open", File.ReadAllText(Record("queue")).Trim());
        Assert.Equal("1", File.ReadAllText(Record("telemetry-optout")).Trim());
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{_ports[1]}/devstoreaccount1", File.ReadAllText(Record("storage")), StringComparison.Ordinal);
        var azurite = Assert.Single(members, m => m.Contains("azurite", StringComparison.Ordinal) && m.Contains("--location", StringComparison.Ordinal));
        Assert.Contains("--disableTelemetry", azurite, StringComparison.Ordinal);
        Assert.DoesNotContain("--debug", azurite, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(AzuriteData, "debug.log")));
        await AssertAllStopped();
    }

    [Fact]
    public async Task Func_mode_never_overwrites_an_existing_local_settings_json()
    {
        StandInFunc("exit");
        const string Mine = """{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "mine" } }""";
        File.WriteAllText(LocalSettings, Mine);

        var code = await Run(StandInPath(), "--func");

        Assert.True(code == 0, string.Join('\n', _run!.Output));
        Assert.Equal(Mine, File.ReadAllText(LocalSettings));
        Assert.Equal(["start"], File.ReadAllLines(Record("args")));
        await AssertAllStopped();
    }

    [Fact]
    public async Task Ctrl_c_stops_func_and_azurite_and_azurite_debug_turns_on_its_debug_log()
    {
        StandInFunc("sleep");

        _run = Start(StandInPath(), "--azurite-debug", "--func");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(Record("ready"))), ready => ready || _run.HasExited, Deadline, "the stand-in func to start");
        Assert.True(File.Exists(Record("ready")), string.Join('\n', _run.Output));
        Assert.Contains(_run.Members(), m => m.StartsWith("sleep", StringComparison.Ordinal));
        _run.Interrupt();
        var code = await _run.WaitForExitAsync(Deadline);

        Assert.Equal(130, code);
        // Ports other than the defaults: a data folder of their own, so two runs on other ports never share one.
        Assert.True(File.Exists(Path.Combine(AzuriteData, "debug.log")));
        await AssertAllStopped();
        Assert.Contains("== Stopped", _run.Output);
        Assert.DoesNotContain(_run.Output, line => line.Contains("Error", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Help_prints_the_usage_and_starts_nothing()
    {
        var code = await Run(StandInPath(), "--help");

        Assert.True(code == 0, string.Join('\n', _run!.Output));
        Assert.Contains(_run.Output, line => line.StartsWith("  ./run.sh --func [ARGS]", StringComparison.Ordinal));
        Assert.Contains(_run.Output, line => line.StartsWith("DevHost ARGS: --urls URL, --verbose", StringComparison.Ordinal));
        Assert.DoesNotContain(_run.Output, line => line.StartsWith("==", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_root, "repo", ".azurite")));
    }

    [Theory]
    [InlineData("--port 7072", "run.sh: unknown argument '--port': the DevHost takes --urls, e.g. --urls http://127.0.0.1:7072 (see ./run.sh --help)")]
    [InlineData("--verbos", "run.sh: unknown argument '--verbos'; did you mean --verbose? (see ./run.sh --help)")]
    [InlineData("--url=http://127.0.0.1:7072", "run.sh: unknown argument '--url=http://127.0.0.1:7072'; did you mean --urls? (see ./run.sh --help)")]
    [InlineData("--urls", "run.sh: --urls needs a value, e.g. --urls http://127.0.0.1:7072")]
    public async Task An_argument_the_devhost_does_not_take_is_one_line_naming_the_closest_and_starts_nothing(string arguments, string expected)
    {
        var code = await Run(StandInPath(), arguments.Split(' '));

        Assert.Equal(1, code);
        Assert.Equal(expected, Assert.Single(_run!.Output, l => l.Trim().Length > 0));
        Assert.False(Directory.Exists(Path.Combine(_root, "repo", ".azurite")));
    }

    private async Task<int> Run(string path, params string[] args)
    {
        _run = Start(path, args);
        return await _run.WaitForExitAsync(Deadline);
    }

    private ProcessGroup Start(string path, params string[] args) =>
        ProcessGroup.Start(Path.Combine(_root, "repo", "run.sh"), args, _root, new Dictionary<string, string?>
        {
            ["PATH"] = path,
            ["AZURITE_BLOB_PORT"] = _ports[0].ToString(CultureInfo.InvariantCulture),
            ["AZURITE_QUEUE_PORT"] = _ports[1].ToString(CultureInfo.InvariantCulture),
            ["AZURITE_TABLE_PORT"] = _ports[2].ToString(CultureInfo.InvariantCulture),
            ["AzureWebJobsStorage"] = null,
        });

    private string StandInPath() => Bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    /// <summary>
    /// A func that records its arguments, working directory, AzureWebJobsStorage, the Core Tools telemetry opt-out and
    /// whether Azurite's queue port answers, then, by <paramref name="then"/>: exits 0 ("exit"), waits for the test's go ("wait"; 60 s at most),
    /// or sleeps until interrupted ("sleep").
    /// </summary>
    private void StandInFunc(string then)
    {
        var record = Path.Combine(_root, "record");
        var end = then switch
        {
            "exit" => "exit 0",
            "wait" => $"for _ in $(seq 600); do [ -e '{record}/go' ] && exit 0; sleep 0.1; done; exit 9",
            _ => "exec sleep 120",
        };
        WriteExecutable(Bin, "func", $$"""
            #!/bin/bash
            printf '%s\n' "$@" > '{{record}}/args'
            printf '%s\n' "$PWD" > '{{record}}/cwd'
            printf '%s\n' "${AzureWebJobsStorage:-}" > '{{record}}/storage'
            printf '%s\n' "${FUNCTIONS_CORE_TOOLS_TELEMETRY_OPTOUT:-}" > '{{record}}/telemetry-optout'
            if (exec 3<>/dev/tcp/127.0.0.1/{{_ports[1]}}) 2>/dev/null; then echo open; else echo closed; fi > '{{record}}/queue'
            : > '{{record}}/ready'
            {{end}}

            """);
    }

    /// <summary>Nothing of the run is left: no process in its group, and Azurite's ports refuse connections.</summary>
    private async Task AssertAllStopped()
    {
        await Poll.UntilAsync(() => Task.FromResult(_run!.Members()), members => members.Count == 0, Deadline, "the run's processes to end");
        foreach (var port in _ports)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        }
    }

    private static void WriteExecutable(string directory, string name, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("run.sh is a bash script; these tests run on Linux.");
        }

        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
