using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// What a user gets wrong ends the DevHost process with one <c>error:</c> line per problem and a non-zero
/// exit code, never a stack trace or an abort (it used to die with SIGABRT on <c>Zapi__MaxBodyBytes=-5</c>).
/// </summary>
public sealed class DevHostStartupErrorsEndToEndTests
{
    [Fact]
    public async Task A_bad_setting_is_one_line_naming_it_and_exit_code_2()
    {
        var (code, error) = await RunAsync(["--urls", Url(LoopbackPort.Free())], new() { ["Zapi__MaxBodyBytes"] = "-5", ["Zapi__EnqueueTimeout"] = "5s" });

        Assert.Equal(2, code);
        Assert.Equal(
            [
                "error: Zapi__EnqueueTimeout ('5s') is not a duration (hh:mm:ss, such as 00:00:05): use one from 00:00:00.100 to 00:01:00.",
                "error: Zapi__MaxBodyBytes ('-5') is out of range: use a whole number from 256 to 48000.",
            ],
            error);
    }

    [Fact]
    public async Task A_malformed_storage_connection_string_is_named_without_its_key()
    {
        var (code, error) = await RunAsync(
            ["--urls", Url(LoopbackPort.Free())],
            new() { ["AzureWebJobsStorage"] = "AccountName=zapist;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=::" });

        Assert.Equal(2, code);
        var line = Assert.Single(error);
        Assert.StartsWith("error: AzureWebJobsStorage is not a usable storage connection string", line, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_json_that_is_not_json_is_one_line_naming_the_file()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "{ \"version\": ");
        try
        {
            var (code, error) = await RunAsync(["--urls", Url(LoopbackPort.Free()), $"--DevHost:HostJson={file}"], []);

            Assert.Equal(2, code);
            Assert.Equal([$"error: {file} is not valid JSON (line 1): fix it, or give another file with --DevHost:HostJson."], error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_saying_how_to_pick_another_and_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, error) = await RunAsync(["--urls", Url(port)], []);

        Assert.Equal(1, code);
        Assert.Equal(
            [$"error: Failed to bind to address {Url(port)}: address already in use. Stop the other process, or choose another address with --urls (e.g. --urls http://127.0.0.1:7072)."],
            error);
    }

    private static string Url(int port) => $"http://127.0.0.1:{port}";

    /// <summary>Runs the DevHost until it exits; returns its exit code and standard error's lines (stack frames would show there).</summary>
    private static async Task<(int Code, string[] Error)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var name in start.Environment.Keys.Where(n => DevHostStart.IsInheritedSetting(n) || n.StartsWith("Zapi__", StringComparison.OrdinalIgnoreCase) || n == "AzureWebJobsStorage").ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(DevHostProcess.DevHostAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("DevHost did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The DevHost did not exit within 60 s. Output:\n" + await output);
        }

        var lines = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(lines.Concat((await output).Split('\n')), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return (process.ExitCode, lines);
    }
}
