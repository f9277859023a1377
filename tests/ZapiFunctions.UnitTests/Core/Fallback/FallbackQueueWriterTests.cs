using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Core.Fallback;

/// <summary>The primary first, the fallback when it fails or is slow, 503 only when both fail.</summary>
public sealed class FallbackQueueWriterTests : IDisposable
{
    private static readonly BinaryData Message = EnvelopeWriter.Write(
        new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), "req-42", null,
        Encoding.UTF8.GetBytes("""{"phone":"5511987654321","zaapId":"Z","messageId":"M-1","instanceId":"inst-a","momment":1,"type":"DeliveryCallback"}"""));

    private readonly Mock<IQueueWriter> _primary = new(MockBehavior.Strict);
    private readonly Mock<IQueueWriter> _fallback = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<FallbackQueueWriter> _logger = new();
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<long> _stored;
    private readonly FallbackQueueWriter _writer;

    public FallbackQueueWriterTests()
    {
        var meterFactory = _metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _stored = new MetricCollector<long>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.CallbacksStored);
        _writer = new FallbackQueueWriter(
            _primary.Object,
            _fallback.Object,
            Microsoft.Extensions.Options.Options.Create(new ZapiOptions { EnqueueTimeout = TimeSpan.FromSeconds(5) }),
            meterFactory,
            _time,
            _logger);
    }

    public void Dispose()
    {
        _stored.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task When_the_primary_takes_it_the_fallback_is_never_touched()
    {
        _primary.Setup(p => p.EnqueueAsync("zapi-deliveries", Message, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        await _writer.EnqueueAsync("zapi-deliveries", Message, CancellationToken.None);

        _fallback.VerifyNoOtherCalls();
        Assert.Equal([("zapi-deliveries", "primary")], Stores());
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task A_failed_primary_write_sends_the_same_message_to_the_same_queue_on_the_fallback_and_warns_once_with_the_request_id()
    {
        _primary.Setup(p => p.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AggregateException(new Azure.RequestFailedException("Connection refused (127.0.0.1:10001)")));
        BinaryData? sent = null;
        _fallback.Setup(f => f.EnqueueAsync("zapi-errored-sends", It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Callback((string _, BinaryData m, CancellationToken _) => sent = m)
            .Returns(Task.CompletedTask);

        await _writer.EnqueueAsync("zapi-errored-sends", Message, CancellationToken.None);

        Assert.Same(Message, sent);
        Assert.Equal([("zapi-errored-sends", "fallback")], Stores());
        var warning = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("request req-42", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused (127.0.0.1:10001)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ZapiFallbackStorage took it", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning.Message);
    }

    [Fact]
    public async Task A_primary_that_does_not_answer_gets_half_the_deadline_then_the_fallback_takes_it()
    {
        var primaryCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _primary.Setup(p => p.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, BinaryData _, CancellationToken ct) =>
            {
                primaryCalled.SetResult();
                await Task.Delay(Timeout.Infinite, ct); // Never answers; only its budget ends it.
            });
        var fallbackCalled = 0;
        _fallback.Setup(f => f.EnqueueAsync("zapi-deliveries", Message, It.IsAny<CancellationToken>()))
            .Callback(() => Interlocked.Increment(ref fallbackCalled))
            .Returns(Task.CompletedTask);

        var write = _writer.EnqueueAsync("zapi-deliveries", Message, CancellationToken.None);
        await primaryCalled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromMilliseconds(2499));
        var beforeBudget = Volatile.Read(ref fallbackCalled);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await write.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(2500), _writer.PrimaryBudget);
        Assert.Equal(0, beforeBudget);
        Assert.Equal(1, fallbackCalled);
        Assert.Contains("no answer within 2.5 s", Assert.Single(_logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_both_fail_it_throws_one_line_naming_both_so_the_caller_answers_503()
    {
        _primary.Setup(p => p.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException("Connection refused (127.0.0.1:10001)"));
        _fallback.Setup(f => f.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException("Connection refused (127.0.0.1:20001)\nStatus: 0"));

        var ex = await Assert.ThrowsAsync<FallbackUnavailableException>(() => _writer.EnqueueAsync("zapi-deliveries", Message, CancellationToken.None));

        Assert.Equal(
            "Neither the primary storage (Connection refused (127.0.0.1:10001)) nor ZapiFallbackStorage (Connection refused (127.0.0.1:20001)) took the message for zapi-deliveries.",
            ex.Message);
        Assert.Equal(2, Assert.IsType<AggregateException>(ex.InnerException).InnerExceptions.Count);
        Assert.Empty(Stores());
    }

    [Fact]
    public async Task A_caller_that_gave_up_is_not_answered_by_the_fallback()
    {
        using var caller = new CancellationTokenSource();
        _primary.Setup(p => p.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, BinaryData _, CancellationToken ct) =>
            {
                await caller.CancelAsync();
                ct.ThrowIfCancellationRequested();
            });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _writer.EnqueueAsync("zapi-deliveries", Message, caller.Token));

        _fallback.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Queues_are_created_on_both_stores_and_a_fallback_failure_at_start_up_is_only_a_warning()
    {
        string[] names = ["zapi-deliveries", "zapi-errored-sends"];
        _primary.Setup(p => p.EnsureQueuesAsync(It.Is<IEnumerable<string>>(n => n.SequenceEqual(names)), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _fallback.Setup(f => f.EnsureQueuesAsync(It.Is<IEnumerable<string>>(n => n.SequenceEqual(names)), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException("Connection refused (127.0.0.1:20001)"));

        await _writer.EnsureQueuesAsync(names, CancellationToken.None);

        var warning = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("Could not create queues zapi-deliveries, zapi-errored-sends on ZapiFallbackStorage", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_primary_failure_to_create_queues_is_still_the_caller_s_to_report()
    {
        string[] names = ["zapi-deliveries"];
        _primary.Setup(p => p.EnsureQueuesAsync(It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException("Connection refused (127.0.0.1:10001)"));
        _fallback.Setup(f => f.EnsureQueuesAsync(It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => _writer.EnsureQueuesAsync(names, CancellationToken.None));

        _fallback.Verify(f => f.EnsureQueuesAsync(It.Is<IEnumerable<string>>(n => n.SequenceEqual(names)), It.IsAny<CancellationToken>()), Times.Once);
    }

    private List<(string Queue, string Store)> Stores() => [.. _stored.GetMeasurementSnapshot().Select(m =>
        ((string)m.Tags[ZapiTelemetry.QueueTag]!, (string)m.Tags[ZapiTelemetry.StoreTag]!))];
}
