using Azure.Data.Tables;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.EndToEnd;

/// <summary>
/// Dead letters: Azurite and the DevHost as real processes. A message that always fails is kept in
/// <c>ZapiDeadLetters</c> on its last try and still moved to the poison queue, as the Functions runtime does.
/// </summary>
public sealed class DevHostDeadLetterEndToEndTests : DevHostTests
{
    private const string Phone = "5511987654321";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_that_always_fails_ends_in_ZapiDeadLetters_with_its_tries_and_error_and_in_poison()
    {
        // A successful send on the errored-sends queue: processing refuses it on every try.
        var body = EnvelopeWriter.Write(
            DateTimeOffset.UtcNow, "req-dead", null,
            """{"phone":"5511987654321","zaapId":"Z-9","messageId":"M-DEAD","instanceId":"inst-9","momment":1,"type":"DeliveryCallback"}"""u8);
        var sent = (await Azurite.Queue("zapi-errored-sends").SendMessageAsync(body)).Value;

        var poisoned = await Poll.UntilAsync(
            async () => (await Azurite.Queue("zapi-errored-sends-poison").PeekMessagesAsync(32)).Value,
            messages => messages.Length > 0,
            Deadline,
            "the poison queue");

        var row = (await new TableClient(Azurite.ConnectionString, "ZapiDeadLetters").GetEntityAsync<TableEntity>("zapi-errored-sends", sent.MessageId)).Value;
        Assert.Equal(DevHost.MaxDequeueCount, row.GetInt32("Attempts"));
        Assert.StartsWith("InvalidEnvelopeException: Message M-DEAD has no error", row.GetString("Error"), StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, row.GetString("Error"), StringComparison.Ordinal);
        Assert.Equal(body.ToString(), row.GetString("Envelope"));
        Assert.Equal(("inst-9", "M-DEAD", Phone), (row.GetString("InstanceId"), row.GetString("MessageId"), row.GetString("Phone")));
        var poison = Assert.Single(poisoned);
        Assert.Equal(body.ToString(), poison.Body.ToString());
        var output = await DevHost.OutputUntilAsync(
            line => line.Contains("Moving message to queue 'zapi-errored-sends-poison'", StringComparison.Ordinal), "the poison line");
        Assert.Equal(DevHost.MaxDequeueCount, output.Count(line => line.Contains("failed (try ", StringComparison.Ordinal)));
        Assert.Single(output, line => line.Contains("failed its last try", StringComparison.Ordinal) && line.Contains("ZapiDeadLetters", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains(Phone, StringComparison.Ordinal));
        Assert.Equal(0, (await Azurite.Queue("zapi-errored-sends").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
