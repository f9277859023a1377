using System.Diagnostics.Metrics;
using System.Reflection;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Functions;

public sealed class BacklogFunctionTests
{
    private static readonly string[] Queues = ["zapi-deliveries", "zapi-errored-sends", "zapi-errored-sends-poison", "zapi-errored-sends-poison-poison"];

    private static readonly MethodInfo Run = typeof(BacklogFunction).GetMethod(nameof(BacklogFunction.RunAsync))!;

    [Fact]
    public void The_app_provides_the_monitor_the_function_needs()
    {
        using var host = ZapiFunctionsApp.Configure(Worker.Builder(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })).Build();

        Assert.Equal(Queues, host.Services.GetRequiredService<BacklogMonitor>().Queues);
    }

    [Fact]
    public async Task Each_run_reads_the_queues_and_updates_the_gauges()
    {
        var now = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var service = new Mock<QueueServiceClient>();
        QueueItem[] existing = [.. Queues[..3].Select(n => QueuesModelFactory.QueueItem(n, null))]; // no poison-poison queue yet
        service.Setup(s => s.GetQueuesAsync(It.IsAny<QueueTraits>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<QueueItem>.FromPages([Page<QueueItem>.FromValues(existing, null, Mock.Of<Response>())]));
        service.Setup(s => s.GetQueueClient("zapi-deliveries")).Returns(Queue(4, now.AddSeconds(-30)).Object);
        service.Setup(s => s.GetQueueClient("zapi-errored-sends")).Returns(Queue(0, null).Object);
        service.Setup(s => s.GetQueueClient("zapi-errored-sends-poison")).Returns(Queue(1, now.AddMinutes(-10)).Object);
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = metrics.GetRequiredService<IMeterFactory>();
        using var depth = new MetricCollector<long>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.QueueDepth);
        using var age = new MetricCollector<double>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.QueueOldestAge);
        var monitor = new BacklogMonitor(
            service.Object,
            Microsoft.Extensions.Options.Options.Create(new ZapiOptions()),
            Microsoft.Extensions.Options.Options.Create(new BacklogMonitorOptions()),
            meterFactory,
            new FakeTimeProvider(now),
            NullLogger<BacklogMonitor>.Instance);
        depth.RecordObservableInstruments();
        var beforeFirstRun = depth.GetMeasurementSnapshot(clear: true);

        await new BacklogFunction(monitor).RunAsync(new TimerInfo(), CancellationToken.None);
        depth.RecordObservableInstruments();
        age.RecordObservableInstruments();

        Assert.Empty(beforeFirstRun);
        Assert.Equal(
            new Dictionary<string, long> { ["zapi-deliveries"] = 4, ["zapi-errored-sends"] = 0, ["zapi-errored-sends-poison"] = 1, ["zapi-errored-sends-poison-poison"] = 0 },
            depth.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[ZapiTelemetry.QueueTag]!, m => m.Value));
        Assert.Equal(
            new Dictionary<string, double> { ["zapi-deliveries"] = 30, ["zapi-errored-sends"] = 0, ["zapi-errored-sends-poison"] = 600, ["zapi-errored-sends-poison-poison"] = 0 },
            age.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[ZapiTelemetry.QueueTag]!, m => m.Value));
    }

    /// <summary>A queue holding <paramref name="count"/> messages, the front one inserted at <paramref name="frontInsertedOn"/>.</summary>
    private static Mock<QueueClient> Queue(int count, DateTimeOffset? frontInsertedOn)
    {
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(QueuesModelFactory.QueueProperties(new Dictionary<string, string>(), count), Mock.Of<Response>()));
        PeekedMessage[] front = frontInsertedOn is { } inserted
            ? [QueuesModelFactory.PeekedMessage("m-1", BinaryData.FromString("body"), 1, inserted, inserted.AddDays(7))]
            : [];
        queue.Setup(q => q.PeekMessagesAsync(It.IsAny<int?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(front, Mock.Of<Response>()));
        return queue;
    }
}
