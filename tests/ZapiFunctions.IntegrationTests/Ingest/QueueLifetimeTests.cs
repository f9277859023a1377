using System.Net;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Ingest;

/// <summary>
/// What the webhook writes carries the configured time-to-live, as Azurite's queue service reports
/// it back (<c>ExpiresOn</c>). Azurite cannot be moved 8 days ahead, so "still there after 8 days unread" is proven by
/// the storage-level expiry being later than that.
/// </summary>
public sealed class QueueLifetimeTests : IAsyncLifetime
{
    private const string Delivered = """{"phone":"554499999999","zaapId":"Z-OK","messageId":"M-OK","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback"}""";
    private const string Errored = """{"phone":"554499999999","zaapId":"Z-ERR","messageId":"M-ERR","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task By_default_what_the_webhook_stores_never_expires_so_it_is_still_there_after_8_days_unread()
    {
        await using var server = await IngestServer.StartAsync(_azurite.ConnectionString);

        using var delivered = await server.PostAsync(Delivered);
        using var errored = await server.PostAsync(Errored);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, errored.StatusCode);
        var eightDaysOn = DateTimeOffset.UtcNow.AddDays(8);
        foreach (var queue in new[] { "zapi-deliveries", "zapi-errored-sends" })
        {
            var message = await Single(queue);
            Assert.True(message.ExpiresOn > eightDaysOn, $"{queue}: expires {message.ExpiresOn:O}");
            Assert.Equal(9999, message.ExpiresOn!.Value.Year); // "never": the service's end of time
        }
    }

    [Fact]
    public async Task A_configured_time_to_live_of_one_hour_expires_the_message_about_an_hour_later()
    {
        await using var server = await IngestServer.StartAsync(_azurite.ConnectionString, new()
        {
            ["Zapi:DeliveriesTimeToLive"] = "01:00:00",
            ["Zapi:ErroredSendsTimeToLive"] = "02:00:00",
        });
        var before = DateTimeOffset.UtcNow;

        using var delivered = await server.PostAsync(Delivered);
        using var errored = await server.PostAsync(Errored);

        var after = DateTimeOffset.UtcNow;
        var deliveries = await Single("zapi-deliveries");
        var erroredSends = await Single("zapi-errored-sends");
        // Storage times have whole seconds: allow one on each side.
        Assert.InRange(deliveries.ExpiresOn!.Value, before.AddHours(1).AddSeconds(-1), after.AddHours(1).AddSeconds(1));
        Assert.InRange(erroredSends.ExpiresOn!.Value, before.AddHours(2).AddSeconds(-1), after.AddHours(2).AddSeconds(1));
    }

    [Fact]
    public async Task With_the_deliveries_queue_off_a_delivered_callback_is_acknowledged_and_not_stored_anywhere()
    {
        await using var server = await IngestServer.StartAsync(_azurite.ConnectionString, new() { ["Zapi:DeliveriesQueue"] = string.Empty });

        using var delivered = await server.PostAsync(Delivered);
        using var errored = await server.PostAsync(Errored);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        using var body = JsonDocument.Parse(await delivered.Content.ReadAsStringAsync());
        Assert.Equal("ignored", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, errored.StatusCode);
        Assert.Equal("M-ERR", EnvelopeReader.Read((await Single("zapi-errored-sends")).Body).Callback.GetProperty("messageId").GetString());
        var queues = new List<string>();
        await foreach (var queue in new Azure.Storage.Queues.QueueServiceClient(_azurite.ConnectionString).GetQueuesAsync())
        {
            queues.Add(queue.Name);
        }

        Assert.Equal(["zapi-errored-sends"], queues);
    }

    private async Task<PeekedMessage> Single(string queue) => Assert.Single((await _azurite.Queue(queue).PeekMessagesAsync(32)).Value);
}
