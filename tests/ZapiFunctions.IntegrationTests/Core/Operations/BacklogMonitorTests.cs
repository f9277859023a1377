using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations.Backlog;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Core.Operations;

/// <summary>The queue backlog gauges against Azurite, read with a fake clock and collected as an exporter would.</summary>
public sealed class BacklogMonitorTests : IAsyncLifetime, IDisposable
{
    private const string Deliveries = "zapi-deliveries";
    private const string ErroredSends = "zapi-errored-sends";
    private const string Poison = "zapi-errored-sends-poison";
    private const string PoisonOfPoison = "zapi-errored-sends-poison-poison";

    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeLogger<BacklogMonitor> _logger = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private Azurite _azurite = null!;
    private MetricCollector<long> _depth = null!;
    private MetricCollector<double> _age = null!;
    private BacklogMonitor _monitor = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var meterFactory = _metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _depth = new MetricCollector<long>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.QueueDepth);
        _age = new MetricCollector<double>(meterFactory, ZapiTelemetry.Name, ZapiTelemetry.QueueOldestAge);
        // As AddZapiBacklog registers it: no Base64 decoding, since no body is read.
        var options = new QueueClientOptions { Retry = { MaxRetries = 0 } };
        options.AddPolicy(new StatusRecorder(_statuses, _requests), HttpPipelinePosition.PerRetry);
        var service = new QueueServiceClient(_azurite.ConnectionString, options);
        _monitor = new BacklogMonitor(
            service,
            Microsoft.Extensions.Options.Options.Create(new ZapiOptions()),
            Microsoft.Extensions.Options.Options.Create(new BacklogMonitorOptions()),
            meterFactory,
            _time,
            _logger);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    public void Dispose()
    {
        _depth?.Dispose();
        _age?.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Depth_counts_the_enqueued_messages_and_the_oldest_age_grows_with_time()
    {
        await _azurite.Queue(Deliveries).CreateIfNotExistsAsync();
        for (var i = 0; i < 3; i++)
        {
            await _azurite.Queue(Deliveries).SendMessageAsync($"message {i}");
        }

        _time.SetUtcNow(DateTimeOffset.UtcNow);
        await _monitor.RefreshAsync(CancellationToken.None);
        var (depth, firstAge) = (Depth()[Deliveries], Age()[Deliveries]);
        _time.Advance(TimeSpan.FromSeconds(90));
        await _monitor.RefreshAsync(CancellationToken.None);
        var laterAge = Age()[Deliveries];

        Assert.Equal(3, depth);
        Assert.InRange(firstAge, 0, 60);
        Assert.InRange(laterAge - firstAge, 89.9, 90.1);
    }

    [Fact]
    public async Task A_poison_queue_with_one_message_reports_one()
    {
        await _azurite.Queue(Poison).CreateIfNotExistsAsync();
        await _azurite.Queue(Poison).SendMessageAsync("poisoned");

        await _monitor.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, Depth()[Poison]);
        Assert.True(Age()[Poison] >= 0);
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_reports_zero_messages_and_zero_age()
    {
        await _monitor.RefreshAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { [Deliveries] = 0, [ErroredSends] = 0, [Poison] = 0, [PoisonOfPoison] = 0 }, Depth());
        Assert.Equal(new Dictionary<string, double> { [Deliveries] = 0, [ErroredSends] = 0, [Poison] = 0, [PoisonOfPoison] = 0 }, Age());

        // Found missing without asking it: a 404 is an error response the Azure SDK logs as a warning, every minute.
        Assert.NotEmpty(_statuses);
        Assert.All(_statuses, status => Assert.Equal(200, status));
    }

    [Fact]
    public async Task An_empty_queue_reports_zero_age()
    {
        await _azurite.Queue(ErroredSends).CreateIfNotExistsAsync();

        await _monitor.RefreshAsync(CancellationToken.None);

        Assert.Equal(0, Depth()[ErroredSends]);
        Assert.Equal(0, Age()[ErroredSends]);
    }

    [Fact]
    public async Task An_empty_queue_is_read_by_its_count_alone_and_a_queue_holding_messages_is_peeked()
    {
        await _azurite.Queue(ErroredSends).CreateIfNotExistsAsync();
        await _azurite.Queue(Deliveries).CreateIfNotExistsAsync();
        await _azurite.Queue(Deliveries).SendMessageAsync("waiting");

        await _monitor.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, Depth()[Deliveries]);
        Assert.Equal(0, Depth()[ErroredSends]);
        var peeks = _requests.Where(r => r.Contains("peekonly=true", StringComparison.Ordinal)).ToList();
        Assert.Equal($"/devstoreaccount1/{Deliveries}/messages", Assert.Single(peeks).Split('?')[0]);
    }

    [Fact]
    public async Task The_monitor_the_app_registers_counts_a_message_that_is_not_base64()
    {
        // Someone put plain text on the poison queue (a portal upload without Base64, another producer).
        var raw = new QueueClient(_azurite.ConnectionString, Poison);
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync("plain text, not base64 !!");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = _azurite.ConnectionString })
            .Build();
        await using var app = new ServiceCollection().AddLogging()
            .AddZapiFunctions(configuration, TransportSecurity.Application)
            .BuildServiceProvider();
        using var depth = new MetricCollector<long>(
            app.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ZapiTelemetry.Name, ZapiTelemetry.QueueDepth);

        var readings = await app.GetRequiredService<BacklogMonitor>().RefreshAsync(CancellationToken.None);
        depth.RecordObservableInstruments();

        Assert.Equal([Deliveries, ErroredSends, Poison, PoisonOfPoison], readings.Select(r => r.Queue));
        var poison = Assert.Single(depth.GetMeasurementSnapshot(), m => (string?)m.Tags[ZapiTelemetry.QueueTag] == Poison);
        Assert.Equal(1, poison.Value);
        Assert.True(readings[2].OldestAge >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Gauges_go_empty_while_storage_cannot_be_read_warn_once_and_come_back_after_a_good_read()
    {
        await _azurite.Queue(Deliveries).CreateIfNotExistsAsync();
        await _azurite.Queue(Deliveries).SendMessageAsync("waiting");
        await _monitor.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, Depth()[Deliveries]);

        await _azurite.StopAsync();
        await _monitor.RefreshAsync(CancellationToken.None);
        var duringOutage = (Depth(), Age());
        await _monitor.RefreshAsync(CancellationToken.None);
        var warnings = _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();

        await _azurite.StartAgainAsync(); // in memory: the queues are gone, so they read as empty
        await _monitor.RefreshAsync(CancellationToken.None);

        Assert.Empty(duringOutage.Item1);
        Assert.Empty(duringOutage.Item2);
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"Could not read the backlog of {Deliveries}, {ErroredSends}, {Poison}, {PoisonOfPoison} (", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{_azurite.QueuePort}", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning.Message);
        Assert.Equal(0, Depth()[Deliveries]);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message == $"The backlog of {Deliveries}, {ErroredSends}, {Poison}, {PoisonOfPoison} can be read again");
    }

    [Fact]
    public async Task A_reading_is_not_published_once_it_is_stale()
    {
        await _monitor.RefreshAsync(CancellationToken.None);
        Assert.Equal(4, Depth().Count);

        _time.Advance(new BacklogMonitorOptions().StaleAfter + TimeSpan.FromSeconds(1));

        Assert.Empty(Depth());
        Assert.Empty(Age());
    }

    [Fact]
    public async Task Each_reading_is_logged_at_debug_in_one_line()
    {
        await _azurite.Queue(Deliveries).CreateIfNotExistsAsync();
        await _azurite.Queue(Deliveries).SendMessageAsync("waiting");

        await _monitor.RefreshAsync(CancellationToken.None);

        var debug = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Debug);
        Assert.Matches(
            $"^Queue backlog: {Deliveries} 1 \\(oldest [0-9]+ s\\), {ErroredSends} 0 \\(does not exist\\), {Poison} 0 \\(does not exist\\), {PoisonOfPoison} 0 \\(does not exist\\)$",
            debug.Message);
    }

    /// <summary>Records the status of every response the monitor's client receives, and each request's path and query.</summary>
    private sealed class StatusRecorder(ConcurrentQueue<int> statuses, ConcurrentQueue<string> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => requests.Enqueue(message.Request.Uri.ToUri().PathAndQuery);

        public override void OnReceivedResponse(HttpMessage message) => statuses.Enqueue(message.Response.Status);
    }

    /// <summary>What an exporter would collect now from the depth gauge, by queue.</summary>
    private Dictionary<string, long> Depth()
    {
        _depth.Clear();
        _depth.RecordObservableInstruments();
        return _depth.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[ZapiTelemetry.QueueTag]!, m => m.Value);
    }

    private Dictionary<string, double> Age()
    {
        _age.Clear();
        _age.RecordObservableInstruments();
        return _age.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[ZapiTelemetry.QueueTag]!, m => m.Value);
    }
}
