using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Core.Support;

/// <summary>An <see cref="OnSendHandler"/> over a mocked queue, with fake time, logs and metrics to assert on.</summary>
internal sealed class HandlerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public HandlerHarness(Action<ZapiOptions>? configure = null, TransportSecurity transport = TransportSecurity.Application)
    {
        Options = new ZapiOptions();
        configure?.Invoke(Options);
        Queue
            .Setup(q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Callback((string name, BinaryData message, CancellationToken _) => Sent.Add((name, message)))
            .Returns(Task.CompletedTask);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        Received = new MetricCollector<long>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.CallbacksReceived);
        Handler = new OnSendHandler(
            Queue.Object, Microsoft.Extensions.Options.Options.Create(Options), new IngestMetrics(meterFactory), Time, Logger, transport);
    }

    public ZapiOptions Options { get; }

    public Mock<IQueueWriter> Queue { get; } = new(MockBehavior.Strict);

    public List<(string Queue, BinaryData Message)> Sent { get; } = [];

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public FakeLogger<OnSendHandler> Logger { get; } = new();

    public MetricCollector<long> Received { get; }

    public OnSendHandler Handler { get; }

    public async Task<TestHttp.Response> SendAsync(Microsoft.AspNetCore.Http.HttpRequest request, string? pathInstanceId = null)
    {
        var result = await Handler.HandleAsync(request, pathInstanceId, CancellationToken.None);
        return await TestHttp.ExecuteAsync(result, request);
    }

    public void Dispose()
    {
        Received.Dispose();
        _services.Dispose();
    }
}
