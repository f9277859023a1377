using System.Net;
using System.Text;
using Azure.Storage.Queues;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Ingest;

/// <summary>Real HTTP into the Core handler, real Azurite queues behind it.</summary>
public sealed class IngestToQueueTests : IAsyncLifetime
{
    private const string Delivered = """{"phone":"554499999999","zaapId":"Z-OK","messageId":"M-OK","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","extra":{"kept":true}}""";
    private const string Errored = """{"phone":"554499999999","zaapId":"Z-ERR","messageId":"M-ERR","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

    private Azurite _azurite = null!;
    private IngestServer _server = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _server = await IngestServer.StartAsync(_azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_2xx_means_a_decodable_envelope_is_in_the_deliveries_queue()
    {
        using var response = await _server.PostAsync(Delivered);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single((await _azurite.Queue("zapi-deliveries").ReceiveMessagesAsync(32)).Value);
        var envelope = EnvelopeReader.Read(message.Body);
        Assert.Equal(Delivered, envelope.Callback.GetRawText());
        Assert.Contains(envelope.RequestId, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await _azurite.Queue("zapi-errored-sends").PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task The_stored_message_is_base64_as_the_functions_queue_trigger_expects()
    {
        using var response = await _server.PostAsync(Errored);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = new QueueClient(_azurite.ConnectionString, "zapi-errored-sends");
        var message = Assert.Single((await raw.PeekMessagesAsync(32)).Value);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
        Assert.Contains("\"error\":\"Phone number does not exist\"", decoded, StringComparison.Ordinal);
        Assert.Empty((await _azurite.Queue("zapi-deliveries").PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task A_rejected_request_enqueues_nothing()
    {
        using var malformed = await _server.PostAsync("{\"type\":\"DeliveryCallback\"");
        using var wrongType = await _server.PostAsync(Delivered.Replace("DeliveryCallback", "ReceivedCallback", StringComparison.Ordinal));
        using var wrongMedia = await _server.PostAsync(Delivered, "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongMedia.StatusCode);
        foreach (var queue in new[] { "zapi-deliveries", "zapi-errored-sends" })
        {
            var properties = await _azurite.Queue(queue).GetPropertiesAsync();
            Assert.Equal(0, properties.Value.ApproximateMessagesCount);
        }
    }

    [Fact]
    public async Task Storage_down_is_503_with_Retry_After_and_recovers_when_it_returns()
    {
        await _azurite.StopAsync();

        using var during = await _server.PostAsync(Delivered);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(during.Headers.RetryAfter);

        await _azurite.StartAgainAsync();
        using var after = await _server.PostAsync(Delivered);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var message = Assert.Single((await _azurite.Queue("zapi-deliveries").ReceiveMessagesAsync(32)).Value);
        Assert.Equal("M-OK", EnvelopeReader.Read(message.Body).Callback.GetProperty("messageId").GetString());
    }
}
