using System.Diagnostics.Metrics;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.DevHost.Backlog;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>The DevHost's stand-in for the Backlog timer function.</summary>
public sealed class BacklogPollerTests
{
    [Fact]
    public void The_interval_defaults_to_the_functions_timer_s_minute()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), BacklogPollerSetup.Interval(Configuration(null)));
        Assert.Equal(TimeSpan.FromSeconds(1), BacklogPollerSetup.Interval(Configuration("00:00:01")));
    }

    [Theory]
    [InlineData("soon", "DevHost:BacklogInterval ('soon') is not a duration: use one from 00:00:01 to 01:00:00 (hh:mm:ss).")]
    [InlineData("00:00:00", "DevHost:BacklogInterval ('00:00:00') is out of range: use one from 00:00:01 to 01:00:00 (hh:mm:ss).")]
    [InlineData("1.00:00:00", "DevHost:BacklogInterval ('1.00:00:00') is out of range: use one from 00:00:01 to 01:00:00 (hh:mm:ss).")]
    public void A_bad_interval_is_refused_in_one_line_naming_the_setting(string value, string expected)
    {
        var ex = Assert.Throws<InvalidSettingsException>(() => BacklogPollerSetup.Interval(Configuration(value)));

        Assert.Equal([expected], ex.Problems);
    }

    [Fact]
    public async Task It_reads_at_start_up_and_then_once_per_interval()
    {
        var reads = 0;
        var service = new Mock<QueueServiceClient>();
        service.Setup(s => s.GetQueuesAsync(It.IsAny<QueueTraits>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                Interlocked.Increment(ref reads);
                return AsyncPageable<QueueItem>.FromPages([Page<QueueItem>.FromValues([], null, Mock.Of<Response>())]);
            });
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var monitor = new BacklogMonitor(
            service.Object,
            Microsoft.Extensions.Options.Options.Create(new ZapiOptions()),
            Microsoft.Extensions.Options.Options.Create(new BacklogMonitorOptions()),
            metrics.GetRequiredService<IMeterFactory>(),
            time,
            NullLogger<BacklogMonitor>.Instance);
        using var poller = new BacklogPoller(monitor, TimeSpan.FromMinutes(1), time, NullLogger<BacklogPoller>.Instance);

        await poller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref reads)), n => n == 1, TimeSpan.FromSeconds(10), "the reading at start-up");
        time.Advance(TimeSpan.FromSeconds(59));
        var beforeTheMinute = Volatile.Read(ref reads);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref reads)), n => n == 2, TimeSpan.FromSeconds(10), "the reading a minute later");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(1, beforeTheMinute);
        Assert.Equal(4, monitor.Current().Count); // deliveries, errored sends, its poison queue and that one's
    }

    private static IConfiguration Configuration(string? interval) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [BacklogPollerSetup.IntervalKey] = interval })
        .Build();
}
