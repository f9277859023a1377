using System.Net;
using System.Net.Http.Json;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// What a developer sees in the DevHost's console: a few start-up lines and one line per callback by default,
/// more with <c>--verbose</c>, metrics only on request. Each run ends with a graceful stop, which also flushes
/// any metrics exporter, so what was printed is complete.
/// </summary>
public sealed class DevHostOutputEndToEndTests : IAsyncLifetime
{
    private const int Callbacks = 20;

    /// <summary>
    /// Lines allowed besides one per callback. Today 6: settings files, the empty allow-list warning, queues
    /// ready, table ready, the queue listener, "Now listening on".
    /// </summary>
    private const int StartupBudget = 8;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string Delivered = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "callbacks", "delivered.json"));

    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task By_default_each_callback_is_one_line_and_start_up_a_few()
    {
        var (lines, requestIds) = await RunAsync(new DevHostStart());

        Assert.True(lines.Count <= Callbacks + StartupBudget, $"{lines.Count} lines for {Callbacks} callbacks:\n{string.Join('\n', lines)}");
        foreach (var requestId in requestIds)
        {
            Assert.Single(lines, line => line.Contains("enqueued on zapi-deliveries", StringComparison.Ordinal)
                && line.Contains(requestId, StringComparison.Ordinal));
        }

        Assert.Contains(lines, line => line.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Content root path", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Request finished", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Metric Name", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("switched off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verbose_shows_more_request_logs_and_the_hosts_start_up_lines_as_well_as_the_app_s()
    {
        var (lines, requestIds) = await RunAsync(new DevHostStart { Args = ["--verbose"] });

        Assert.True(lines.Count > Callbacks + StartupBudget, $"only {lines.Count} lines with --verbose");
        Assert.True(
            lines.Count(line => line.Contains("Request finished HTTP/1.1 POST", StringComparison.Ordinal)) >= Callbacks,
            "every request is logged by ASP.NET Core");
        Assert.Contains(lines, line => line.Contains("Content root path", StringComparison.Ordinal));
        Assert.All(requestIds, id => Assert.Contains(lines, line => line.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Console_metrics_are_printed_when_asked_for()
    {
        var (lines, _) = await RunAsync(new DevHostStart { Args = ["--DevHost:ConsoleMetrics=true"] });

        Assert.Contains(lines, line => line.Contains("Metric Name: zapi.callbacks.received", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Functions_switched_off_are_named_at_start_and_the_rest_still_runs()
    {
        var (lines, _) = await RunAsync(new DevHostStart
        {
            Environment = new Dictionary<string, string>
            {
                ["AzureWebJobs_ErroredSend_Disabled"] = "true",
                ["AzureWebJobs.Retention.Disabled"] = "1",
            },
        });

        Assert.Single(lines, line => line.EndsWith("DevHost: functions switched off (AzureWebJobs.<name>.Disabled): Retention, ErroredSend", StringComparison.Ordinal));
    }

    /// <summary>Starts the DevHost, posts <see cref="Callbacks"/> callbacks, stops it gracefully; returns all it printed.</summary>
    private async Task<(IReadOnlyList<string> Lines, IReadOnlyList<string> RequestIds)> RunAsync(DevHostStart start)
    {
        await using var devHost = await DevHostProcess.StartAsync(_azurite, start);
        var requestIds = new List<string>();
        for (var i = 0; i < Callbacks; i++)
        {
            using var response = await devHost.PostCallbackAsync(Delivered);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestIds.Add((await response.Content.ReadFromJsonAsync<Accepted>())!.RequestId);
        }

        // The console logger writes in the background: wait until the last callback's line is out, then stop.
        await Poll.UntilAsync(
            () => Task.FromResult(devHost.Output.Any(line => line.Contains(requestIds[^1], StringComparison.Ordinal))),
            seen => seen,
            Deadline,
            "the last callback's log line");
        Assert.Equal(0, await devHost.StopAsync());
        return ([.. devHost.Output], requestIds);
    }

    private sealed record Accepted(string Status, string RequestId);
}
