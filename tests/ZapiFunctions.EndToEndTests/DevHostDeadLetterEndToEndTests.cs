using Azure.Data.Tables;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// Dead letters: Azurite and the DevHost as real processes. A message that always fails is moved to the poison queue
/// after maxDequeueCount tries, as the Functions runtime does, and the DevHost's DeadLetter listener then keeps it in
/// <c>ZapiDeadLetters</c> and empties the poison queue.
/// </summary>
public sealed class DevHostDeadLetterEndToEndTests : DevHostTests
{
    private const string Phone = "5511987654321";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_that_always_fails_ends_in_ZapiDeadLetters_and_leaves_no_poison_message()
    {
        // A successful send on the errored-sends queue: processing refuses it on every try.
        var body = EnvelopeWriter.Write(
            DateTimeOffset.UtcNow, "req-dead", null,
            """{"phone":"5511987654321","zaapId":"Z-9","messageId":"M-DEAD","instanceId":"inst-9","momment":1,"type":"DeliveryCallback"}"""u8);
        await Azurite.Queue("zapi-errored-sends").SendMessageAsync(body);
        var table = new TableClient(Azurite.ConnectionString, "ZapiDeadLetters");

        var rows = await Poll.UntilAsync(
            async () => await table.QueryAsync<TableEntity>(r => r.PartitionKey == "zapi-errored-sends").ToListAsync(),
            found => found.Count > 0,
            Deadline,
            "the dead-letters row");

        var row = Assert.Single(rows);
        Assert.Equal(body.ToString(), row.GetString("Envelope"));
        Assert.Equal(("inst-9", "M-DEAD", Phone), (row.GetString("InstanceId"), row.GetString("MessageId"), row.GetString("Phone")));
        var output = await DevHost.OutputUntilAsync(
            line => line.Contains("failed every try", StringComparison.Ordinal) && line.Contains("ZapiDeadLetters", StringComparison.Ordinal), "the dead-letter line");
        Assert.Contains(output, line => line.Contains("Moving message to queue 'zapi-errored-sends-poison'", StringComparison.Ordinal));
        Assert.Equal(DevHost.MaxDequeueCount, output.Count(line => line.Contains("Errored send M-DEAD on instance inst-9 failed try ", StringComparison.Ordinal)));
        Assert.DoesNotContain(output, line => line.Contains(Phone, StringComparison.Ordinal));
        await Poll.UntilAsync(
            async () => (await Azurite.Queue("zapi-errored-sends-poison").PeekMessagesAsync(32)).Value.Length,
            count => count == 0,
            Deadline,
            "the poison queue to be emptied");
        Assert.Equal(0, (await Azurite.Queue("zapi-errored-sends").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
