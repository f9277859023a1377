using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;

namespace ZapiFunctions.IntegrationTests.ErroredSends;

/// <summary>
/// <see cref="ErroredSendHandler"/> (what both hosts run) against Azurite's Table service: a message that fails
/// its last try is kept in <c>ZapiDeadLetters</c> with the contract's columns, and the failure still reaches the runtime.
/// </summary>
public sealed class DeadLetterHandlingTests : ErroredSendServicesTests
{
    private const int MaxDequeueCount = 5;
    private const string Phone = "5511987654321";
    private const string Callback = $$"""{"phone":"{{Phone}}","zaapId":"Z-1","messageId":"M-1","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    // Fake time for the dead-letter row only: the notify pipeline's retry delays must run on real time.
    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton(new DeadLetterStore(new TableClient(Azurite.ConnectionString, "ZapiDeadLetters"), _time));

    [Fact]
    public async Task A_message_that_always_fails_is_kept_on_its_last_try_with_its_error_and_tries_and_the_failure_is_rethrown()
    {
        Notify.Status = 503; // the team's endpoint is down: processing throws on every try
        var body = Envelope();

        for (var dequeueCount = 1; dequeueCount < MaxDequeueCount; dequeueCount++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => Handle("queue-message-1", body, dequeueCount));
            Assert.Empty(await DeadLetters());
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => Handle("queue-message-1", body, MaxDequeueCount));

        var row = Assert.Single(await DeadLetters());
        Assert.Equal("zapi-errored-sends", row.PartitionKey);
        Assert.Equal("queue-message-1", row.RowKey);
        Assert.Equal(body.ToString(), row.GetString("Envelope"));
        Assert.StartsWith("HttpRequestException: Response status code does not indicate success: 503", row.GetString("Error"), StringComparison.Ordinal);
        Assert.Equal(MaxDequeueCount, row.GetInt32("Attempts"));
        Assert.Equal(_time.GetUtcNow(), row.GetDateTimeOffset("DeadLetteredAt"));
        Assert.Equal("inst-1", row.GetString("InstanceId"));
        Assert.Equal("M-1", row.GetString("MessageId"));
        Assert.Equal(Phone, row.GetString("Phone"));
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var kept = Assert.Single(logs, r => r.Category == typeof(ErroredSendHandler).FullName);
        Assert.Equal(LogLevel.Warning, kept.Level);
        Assert.Contains("queue-message-1", kept.Message, StringComparison.Ordinal);
        Assert.Contains("ZapiDeadLetters", kept.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Message.Contains(Phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_that_is_not_an_envelope_is_kept_with_empty_callback_columns_in_a_table_created_on_demand()
    {
        Assert.Empty(await DeadLetters()); // no table yet: the start-up creation did not run here

        var ex = await Assert.ThrowsAsync<InvalidEnvelopeException>(() => Handle("queue-message-2", BinaryData.FromString("not an envelope"), MaxDequeueCount));

        var row = Assert.Single(await DeadLetters());
        Assert.Equal("not an envelope", row.GetString("Envelope"));
        Assert.Equal($"InvalidEnvelopeException: {ex.Message}", row.GetString("Error"));
        Assert.Equal(string.Empty, row.GetString("Phone"));
        Assert.Equal(string.Empty, row.GetString("InstanceId"));
        Assert.Equal(string.Empty, row.GetString("MessageId"));
    }

    [Fact]
    public async Task A_message_that_succeeds_on_its_last_try_is_not_kept_and_a_repeated_last_try_leaves_one_row()
    {
        var outcome = await Handle("queue-message-3", Envelope(), MaxDequeueCount);

        Assert.True(outcome.Counted);
        Assert.Empty(await DeadLetters());

        await Assert.ThrowsAsync<InvalidEnvelopeException>(() => Handle("queue-message-4", BinaryData.FromString("{}"), MaxDequeueCount));
        await Assert.ThrowsAsync<InvalidEnvelopeException>(() => Handle("queue-message-4", BinaryData.FromString("{}"), MaxDequeueCount + 1));

        Assert.Equal(MaxDequeueCount + 1, Assert.Single(await DeadLetters()).GetInt32("Attempts"));
    }

    private static BinaryData Envelope() =>
        EnvelopeWriter.Write(DateTimeOffset.UtcNow, "req-1", null, Encoding.UTF8.GetBytes(Callback));

    private async Task<ErroredSendOutcome> Handle(string queueMessageId, BinaryData body, int dequeueCount)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErroredSendHandler>()
            .HandleAsync(queueMessageId, body, dequeueCount, MaxDequeueCount, CancellationToken.None);
    }

    private async Task<List<TableEntity>> DeadLetters()
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in new TableClient(Azurite.ConnectionString, "ZapiDeadLetters").QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet.
        }

        return rows;
    }
}
