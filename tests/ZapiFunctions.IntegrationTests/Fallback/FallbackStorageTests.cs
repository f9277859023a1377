using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Fallback;

/// <summary>Two Azurites, one per account: real HTTP into the handler, and the drain between them.</summary>
public sealed class FallbackStorageTests(TwoAccounts accounts) : IClassFixture<TwoAccounts>
{
    // Each test writes to its own queues, so the shared emulators need no cleaning between tests.
    private readonly string _deliveries = "dl-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _errored = "er-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Primary_down_the_callback_is_answered_200_and_is_in_the_fallback_s_queue()
    {
        await using var server = await StartServerAsync(accounts.Primary.ConnectionString, "00:00:05");
        await accounts.Primary.StopAsync();
        try
        {
            using var response = await server.PostAsync(Callback("M-1"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var message = Assert.Single((await accounts.Fallback.Queue(_deliveries).ReceiveMessagesAsync(32)).Value);
            var envelope = EnvelopeReader.Read(message.Body);
            Assert.Equal(Callback("M-1"), envelope.Callback.GetRawText());
            Assert.Contains(envelope.RequestId, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await accounts.Primary.StartAgainAsync();
        }
    }

    [Fact]
    public async Task Both_down_is_503_with_Retry_After()
    {
        await using var server = await StartServerAsync(accounts.Primary.ConnectionString, "00:00:05");
        await accounts.Primary.StopAsync();
        await accounts.Fallback.StopAsync();
        try
        {
            using var response = await server.PostAsync(Callback("M-1"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        }
        finally
        {
            await accounts.Primary.StartAgainAsync();
            await accounts.Fallback.StartAgainAsync();
        }
    }

    [Fact]
    public async Task A_primary_that_never_answers_gets_half_the_deadline_then_the_fallback_answers_within_it()
    {
        // The primary's queue endpoint is a port where nothing listens while the server starts (start-up queue creation
        // fails fast), then a listener that accepts and never answers.
        var port = LoopbackPort.Free();
        var primary = accounts.Primary.ConnectionString.Replace(
            $"127.0.0.1:{accounts.Primary.QueuePort}/", $"127.0.0.1:{port}/", StringComparison.Ordinal);
        await using var server = await StartServerAsync(primary, "00:00:04");
        await using var silent = SilentEndpoint.Start(port);

        using var response = await server.PostAsync(Callback("M-slow"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Within the deadline: past it the handler answers 503.
        Assert.True(silent.Connections > 0, "the primary was not tried");
        // Cut off by its budget (half of the 4 s deadline), not by a failure of its own.
        var fallback = Assert.Single(server.Logs.GetSnapshot(), r => r.Id.Id == 6001);
        Assert.Contains("(no answer within 2 s)", fallback.Message, StringComparison.Ordinal);
        var message = Assert.Single((await accounts.Fallback.Queue(_deliveries).ReceiveMessagesAsync(32)).Value);
        Assert.Equal("M-slow", EnvelopeReader.Read(message.Body).Callback.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task The_drain_moves_every_message_back_and_a_second_drain_moves_nothing_more()
    {
        var bodies = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var (queue, body) = i % 4 == 0 ? (_errored, Callback($"M-{i}", error: true)) : (_deliveries, Callback($"M-{i}"));
            await accounts.Fallback.Queue(queue).CreateIfNotExistsAsync();
            await accounts.Fallback.Queue(queue).SendMessageAsync(Envelope(body));
            bodies.Add(body);
        }

        var drain = Drain(new StorageQueueWriter(PrimaryService(), new QueueTimeToLive(new ZapiOptions())));
        var first = await drain.DrainAsync(CancellationToken.None);
        var second = await drain.DrainAsync(CancellationToken.None);

        Assert.Equal([new QueueCount(_deliveries, 30), new QueueCount(_errored, 10)], first);
        Assert.Equal([new QueueCount(_deliveries, 0), new QueueCount(_errored, 0)], second);
        Assert.Equal(0, await VisibleAsync(accounts.Fallback, _deliveries) + await VisibleAsync(accounts.Fallback, _errored));
        var moved = new List<string>();
        foreach (var queue in new[] { _deliveries, _errored })
        {
            moved.AddRange(await ReceiveAllAsync(accounts.Primary.Queue(queue)));
        }

        Assert.Equal(bodies.Order(), moved.Order()); // Every one, once: nothing lost, nothing duplicated.
    }

    [Fact]
    public async Task A_drain_that_cannot_reach_the_primary_stops_and_leaves_the_rest_on_the_fallback_visible()
    {
        await accounts.Fallback.Queue(_deliveries).CreateIfNotExistsAsync();
        for (var i = 0; i < 5; i++)
        {
            await accounts.Fallback.Queue(_deliveries).SendMessageAsync(Envelope(Callback($"M-{i}")));
        }

        var primary = new FailsAfter(2);

        var ex = await Assert.ThrowsAsync<ReplayInterruptedException>(() => Drain(primary).DrainAsync(CancellationToken.None));

        Assert.Equal(
            $"Could not send a message of {_deliveries} to the primary storage (Connection refused (127.0.0.1:10001)); 2 message(s) were moved before it and the rest stay on ZapiFallbackStorage: run the drain again once the primary answers.",
            ex.Message);
        Assert.Equal(3, await VisibleAsync(accounts.Fallback, _deliveries));
    }

    [Fact]
    public async Task The_scheduled_drain_checks_the_primary_first_and_moves_nothing_while_it_is_down()
    {
        await accounts.Fallback.Queue(_deliveries).CreateIfNotExistsAsync();
        await accounts.Fallback.Queue(_deliveries).SendMessageAsync(Envelope(Callback("M-1")));
        var options = Microsoft.Extensions.Options.Options.Create(new ZapiOptions { DeliveriesQueue = _deliveries, ErroredSendsQueue = _errored });
        var recovery = new FallbackRecovery(
            Drain(new StorageQueueWriter(PrimaryService(), new QueueTimeToLive(new ZapiOptions()))),
            new QueueReadinessCheck(PrimaryService(), options, TimeSpan.FromSeconds(5)),
            NullLogger<FallbackRecovery>.Instance);

        await accounts.Primary.StopAsync();
        FallbackRecoveryResult whileDown;
        try
        {
            whileDown = await recovery.RunAsync(CancellationToken.None);
        }
        finally
        {
            await accounts.Primary.StartAgainAsync();
        }

        var heldWhileDown = await VisibleAsync(accounts.Fallback, _deliveries);
        var afterwards = await recovery.RunAsync(CancellationToken.None);

        Assert.Equal(FallbackRecoveryOutcome.PrimaryUnavailable, whileDown.Outcome);
        Assert.Contains(_deliveries, whileDown.Problem, StringComparison.Ordinal);
        Assert.Equal(1, heldWhileDown);
        Assert.Equal(FallbackRecoveryOutcome.Drained, afterwards.Outcome);
        Assert.Equal(1, afterwards.Moved.Sum(m => m.Messages));
        Assert.Equal("M-1", EnvelopeReader.Read(Assert.Single((await accounts.Primary.Queue(_deliveries).ReceiveMessagesAsync(32)).Value).Body)
            .Callback.GetProperty("messageId").GetString());
    }

    private Task<IngestServer> StartServerAsync(string primaryConnectionString, string enqueueTimeout) =>
        IngestServer.StartAsync(primaryConnectionString, new()
        {
            ["ZapiFallbackStorage"] = accounts.Fallback.ConnectionString,
            ["Zapi:EnqueueTimeout"] = enqueueTimeout,
            ["Zapi:DeliveriesQueue"] = _deliveries,
            ["Zapi:ErroredSendsQueue"] = _errored,
        });

    private FallbackDrain Drain(IQueueWriter primary) =>
        new(primary, Service(accounts.Fallback), [_deliveries, _errored]);

    private QueueServiceClient PrimaryService() => Service(accounts.Primary);

    private static QueueServiceClient Service(Azurite azurite) =>
        new(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Retry = { MaxRetries = 0 } });

    private static async Task<int> VisibleAsync(Azurite azurite, string queue) =>
        (await azurite.Queue(queue).PeekMessagesAsync(32)).Value.Length;

    private static async Task<List<string>> ReceiveAllAsync(QueueClient queue)
    {
        var bodies = new List<string>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            bodies.AddRange(batch.Select(m => EnvelopeReader.Read(m.Body).Callback.GetRawText()));
        }

        return bodies;
    }

    private static string Callback(string messageId, bool error = false) =>
        $$"""{"phone":"554499999999","zaapId":"Z-{{messageId}}","messageId":"{{messageId}}","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback"{{(error ? ",\"error\":\"Phone number does not exist\"" : string.Empty)}}}""";

    private static BinaryData Envelope(string callback) =>
        EnvelopeWriter.Write(DateTimeOffset.UtcNow, "req-" + Guid.NewGuid().ToString("N"), null, Encoding.UTF8.GetBytes(callback));

    /// <summary>A primary that takes <paramref name="accepted"/> messages, then refuses every one.</summary>
    private sealed class FailsAfter(int accepted) : IQueueWriter
    {
        private int _sends;

        public Task EnqueueAsync(string queueName, BinaryData message, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _sends) <= accepted
                ? Task.CompletedTask
                : Task.FromException(new Azure.RequestFailedException("Connection refused (127.0.0.1:10001)"));

        public Task EnsureQueuesAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
