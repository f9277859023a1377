using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

public sealed class OnSendTelemetryTests : IDisposable
{
    private readonly HandlerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Every_request_is_counted_by_outcome_and_reason()
    {
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored));
        await _harness.SendAsync(TestHttp.Request("{}"));

        var points = _harness.Received.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags["outcome"]}/{m.Tags["reason"]}")
            .ToList();
        Assert.Equal(["enqueued/delivered", "enqueued/errored", "rejected/missing-field"], points);
    }

    [Fact]
    public async Task Logs_never_carry_the_full_phone_number()
    {
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored));

        var records = _harness.Logger.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            Assert.DoesNotContain(SampleCallbacks.Phone, record.Message, StringComparison.Ordinal);
            Assert.All(record.StructuredState ?? [], kv => Assert.DoesNotContain(SampleCallbacks.Phone, kv.Value ?? string.Empty, StringComparison.Ordinal));
        }

        Assert.Contains(records, r => r.Message.Contains("55******9999", StringComparison.Ordinal));
    }
}
