using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.ErroredSends;

/// <summary>The processor's refusals: a message that can never be processed throws before any effect.</summary>
public sealed class ErroredSendProcessorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Mock<TableClient> _table = new(MockBehavior.Strict);
    private readonly Mock<HttpMessageHandler> _http = new(MockBehavior.Strict);

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"phone":"554499999999"}""")]
    [InlineData("""{"schema":"zapi-functions/callback-envelope","version":9,"receivedAt":"2026-05-01T00:00:00Z","requestId":"r","callback":{}}""")]
    public async Task Anything_but_an_envelope_throws_saying_why_and_touches_nothing(string body)
    {
        var ex = await Assert.ThrowsAsync<InvalidEnvelopeException>(
            () => Processor().ProcessAsync(BinaryData.FromString(body), 1, CancellationToken.None));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public async Task An_envelope_whose_callback_has_no_identifier_throws_naming_the_fields()
    {
        var message = Envelope("""{"type":"DeliveryCallback","phone":"1","instanceId":"i","momment":1,"error":"x"}""");

        var ex = await Assert.ThrowsAsync<InvalidEnvelopeException>(() => Processor().ProcessAsync(message, 1, CancellationToken.None));

        Assert.Contains("zaapId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_successful_send_on_the_errored_queue_is_refused_not_recorded()
    {
        var ex = await Assert.ThrowsAsync<InvalidEnvelopeException>(
            () => Processor().ProcessAsync(Envelope(SampleCallbacks.Delivered), 1, CancellationToken.None));

        Assert.Contains("deliveries queue", ex.Message, StringComparison.Ordinal);
    }

    internal static BinaryData Envelope(string callback, string requestId = "req-1") =>
        EnvelopeWriter.Write(DateTimeOffset.UnixEpoch, requestId, null, System.Text.Encoding.UTF8.GetBytes(callback));

    private ErroredSendProcessor Processor()
    {
        var options = Options.Create(new ZapiOptions { NotifyUrl = "https://notify.example.test/hook" });
        return new ErroredSendProcessor(
            new ErroredSendLedger(_table.Object, TimeProvider.System),
            new ErroredSendNotifier(new HttpClient(_http.Object), options),
            new ErroredSendMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<ErroredSendProcessor>.Instance);
    }
}
