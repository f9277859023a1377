using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// The queue backlog gauges in the DevHost, read by its poller (<c>--DevHost:BacklogInterval</c>) and printed by the
/// OpenTelemetry console exporter, as a developer sees them with <c>--DevHost:ConsoleMetrics=true</c>.
/// </summary>
public sealed class DevHostBacklogEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task The_console_exporter_prints_the_depth_of_a_queue_with_messages()
    {
        // Nothing in the DevHost consumes the deliveries queue, so these three stay while it runs.
        var deliveries = _azurite.Queue("zapi-deliveries");
        await deliveries.CreateIfNotExistsAsync();
        for (var i = 0; i < 3; i++)
        {
            await deliveries.SendMessageAsync($"waiting {i}");
        }

        await using var devHost = await DevHostProcess.StartAsync(_azurite, new DevHostStart
        {
            Args = ["--DevHost:BacklogInterval=00:00:01", "--DevHost:ConsoleMetrics=true", "--DevHost:MetricsExportInterval=00:00:01"],
        });

        // One export prints each metric in turn, so wait for both rather than reading the second after the first.
        var (depth, age) = await Poll.UntilAsync(
            () =>
            {
                string[] lines = [.. devHost.Output];
                return Task.FromResult((GaugeValue(lines, "zapi.queue.depth", "zapi-deliveries"), GaugeValue(lines, "zapi.queue.oldest_age", "zapi-deliveries")));
            },
            values => values is (not null, not null),
            Deadline,
            "zapi.queue.depth and zapi.queue.oldest_age for zapi-deliveries in the console exporter's output");

        Assert.Equal("3", depth);
        Assert.True(double.Parse(age!, System.Globalization.CultureInfo.InvariantCulture) >= 0, $"age {age}");
        Assert.Contains(devHost.Output, line => line.StartsWith("Metric Name: zapi.queue.oldest_age,", StringComparison.Ordinal) && line.Contains("Unit: s,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verbose_logs_each_reading_in_one_line()
    {
        await using var devHost = await DevHostProcess.StartAsync(_azurite, new DevHostStart
        {
            Args = ["--verbose", "--DevHost:BacklogInterval=00:00:01"],
        });

        var lines = await Poll.UntilAsync(
            () => Task.FromResult(devHost.Output.Where(l => l.Contains("Queue backlog: ", StringComparison.Ordinal)).ToList()),
            found => found.Count >= 2,
            Deadline,
            "two backlog readings a second apart");

        // The DevHost's listeners create their queues; the poison queue's own poison queue exists only once a message
        // the DeadLetter listener could not keep was moved there.
        Assert.All(lines, line => Assert.Matches(
            @"Queue backlog: zapi-deliveries 0( \(does not exist\))?, zapi-errored-sends 0( \(does not exist\))?, zapi-errored-sends-poison 0( \(does not exist\))?, zapi-errored-sends-poison-poison 0 \(does not exist\)$",
            line));
    }

    /// <summary>
    /// The value the console exporter printed last for <paramref name="metric"/> tagged <c>queue: <paramref name="queue"/></c>:
    /// a "Metric Name: …" header, then per point a "(start, end] queue: … " line and a "Value: …" line.
    /// </summary>
    private static string? GaugeValue(string[] lines, string metric, string queue)
    {
        string? value = null;
        string? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("Metric Name: ", StringComparison.Ordinal))
            {
                current = lines[i]["Metric Name: ".Length..].Split(',', 2)[0];
            }
            else if (current == metric && lines[i].TrimEnd().EndsWith($"] queue: {queue}", StringComparison.Ordinal)
                && i + 1 < lines.Length && lines[i + 1].StartsWith("Value: ", StringComparison.Ordinal))
            {
                value = lines[i + 1]["Value: ".Length..].Trim();
            }
        }

        return value;
    }
}
