using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.DevHost.Fallback;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>The DevHost's stand-in for the FallbackDrain timer function.</summary>
public sealed class FallbackDrainPollerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private int _primaryChecks;

    [Fact]
    public async Task It_checks_the_primary_at_start_up_and_then_every_five_minutes_as_the_function()
    {
        using var poller = Poller(configured: true, _ => HealthCheckResult.Unhealthy("queue zapi-deliveries: Connection refused"));

        await poller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(Checks), n => n == 1, TimeSpan.FromSeconds(10), "the run at start-up");
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var beforeFiveMinutes = Checks;
        _time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => Task.FromResult(Checks), n => n == 2, TimeSpan.FromSeconds(10), "the run five minutes later");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(1, beforeFiveMinutes);
        Assert.Equal(TimeSpan.FromMinutes(5), FallbackDrainPoller.Interval);
    }

    [Fact]
    public async Task A_failed_run_does_not_stop_it()
    {
        using var poller = Poller(configured: true, n => n == 1 ? throw new InvalidOperationException("boom") : HealthCheckResult.Unhealthy("down"));

        await poller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(Checks), n => n == 1, TimeSpan.FromSeconds(10), "the failing run");
        _time.Advance(FallbackDrainPoller.Interval);
        await Poll.UntilAsync(() => Task.FromResult(Checks), n => n == 2, TimeSpan.FromSeconds(10), "the next run");
        await poller.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_ZapiFallbackStorage_it_never_touches_storage()
    {
        using var poller = Poller(configured: false, _ => HealthCheckResult.Healthy());

        await poller.StartAsync(CancellationToken.None);
        await (poller.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10)); // Returns at once: nothing to do.
        _time.Advance(FallbackDrainPoller.Interval * 3);
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(0, Checks);
    }

    private int Checks => Volatile.Read(ref _primaryChecks);

    private FallbackDrainPoller Poller(bool configured, Func<int, HealthCheckResult> primary)
    {
        var check = new Mock<IHealthCheck>();
        check.Setup(c => c.CheckHealthAsync(It.IsAny<HealthCheckContext>(), It.IsAny<CancellationToken>()))
            .Returns(() => Task.FromResult(primary(Interlocked.Increment(ref _primaryChecks))));
        var drain = configured ? new FallbackDrain(Mock.Of<IQueueWriter>(), new Mock<QueueServiceClient>().Object, ["zapi-deliveries"]) : null;
        return new FallbackDrainPoller(new FallbackRecovery(drain, check.Object, NullLogger<FallbackRecovery>.Instance), _time, NullLogger<FallbackDrainPoller>.Instance);
    }
}
