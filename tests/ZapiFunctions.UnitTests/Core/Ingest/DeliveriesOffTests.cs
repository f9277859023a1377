using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

/// <summary><c>Zapi__DeliveriesQueue</c> empty: a deployment without a consumer acknowledges delivered callbacks without keeping them.</summary>
public sealed class DeliveriesOffTests : IDisposable
{
    private readonly HandlerHarness _harness = new(o => o.DeliveriesQueue = string.Empty);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_delivered_callback_is_answered_200_ignored_stored_nowhere_and_counted_as_ignored()
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(200, response.Status);
        Assert.Equal("ignored", response.Json.GetProperty("status").GetString());
        Assert.Equal(32, response.Json.GetProperty("requestId").GetString()!.Length);
        Assert.Empty(_harness.Sent);
        var point = Assert.Single(_harness.Received.GetMeasurementSnapshot());
        Assert.Equal(("ignored", "delivered"), (point.Tags["outcome"], point.Tags["reason"]));
        var log = Assert.Single(_harness.Logger.Collector.GetSnapshot());
        Assert.Contains("not stored", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleCallbacks.Phone, log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_errored_callback_is_still_enqueued()
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored));

        Assert.Equal(200, response.Status);
        Assert.Equal("enqueued", response.Json.GetProperty("status").GetString());
        Assert.Equal("zapi-errored-sends", Assert.Single(_harness.Sent).Queue);
    }

    [Fact]
    public async Task A_rejected_request_is_still_rejected()
    {
        var response = await _harness.SendAsync(TestHttp.Request(OnSendContractTests.Without(SampleCallbacks.Delivered, "type")));

        Assert.Equal(400, response.Status);
        Assert.Empty(_harness.Sent);
    }
}
