using System.Diagnostics.Metrics;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.IntegrationTests.Support;

namespace ZapiFunctions.IntegrationTests.ErroredSends;

/// <summary>
/// The two halves both hosts run, against Azurite's Table service: each failed try of <see cref="ErroredSendProcessor"/>
/// is logged with the callback's id and rethrown for the runtime to retry, and <see cref="DeadLetterHandler"/> keeps
/// what reaches the poison queue in <c>ZapiDeadLetters</c> with the contract's columns.
/// </summary>
public sealed class DeadLetterHandlingTests : ErroredSendServicesTests
{
    private const string Phone = "5511987654321";
    private const string Callback = $$"""{"phone":"{{Phone}}","zaapId":"Z-1","messageId":"M-1","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

    private static readonly DateTimeOffset MovedToPoison = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_failed_try_is_logged_with_the_callbacks_id_and_its_error_and_rethrown_and_keeps_nothing()
    {
        Notify.Status = 503; // the team's endpoint is down: processing throws on every try
        var body = Envelope();

        await Assert.ThrowsAsync<HttpRequestException>(() => Process(body, dequeueCount: 2));

        Assert.Empty(await DeadLetters());
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var failed = Assert.Single(logs, r => r.Id.Id == 3003);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("Errored send M-1 on instance inst-1 failed try 2 (HttpRequestException: Response status code does not indicate success: 503", failed.Message, StringComparison.Ordinal);
        Assert.Contains("request req-1", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Message.Contains(Phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_poison_message_is_kept_with_the_contracts_columns_counted_and_logged_and_a_second_run_leaves_one_row()
    {
        using var counted = new MetricCollector<long>(Services.GetRequiredService<IMeterFactory>(), ZapiTelemetry.Name, ZapiTelemetry.DeadLetters);
        var body = Envelope();

        await Keep("poison-message-1", body);
        await Keep("poison-message-1", body); // the trigger ran again (its delete failed): still one row

        var row = Assert.Single(await DeadLetters());
        Assert.Equal("zapi-errored-sends", row.PartitionKey);
        Assert.Equal("poison-message-1", row.RowKey);
        Assert.Equal(body.ToString(), row.GetString("Envelope"));
        Assert.Equal(MovedToPoison, row.GetDateTimeOffset("DeadLetteredAt"));
        Assert.Equal("inst-1", row.GetString("InstanceId"));
        Assert.Equal("M-1", row.GetString("MessageId"));
        Assert.Equal(Phone, row.GetString("Phone"));
        Assert.All(counted.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal("zapi-errored-sends", m.Tags[ZapiTelemetry.QueueTag]);
            Assert.Equal(true, m.Tags["readable"]);
        });
        Assert.Equal(2, counted.GetMeasurementSnapshot().Count);
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var kept = logs.Last(r => r.Category == typeof(DeadLetterHandler).FullName);
        Assert.Equal(LogLevel.Warning, kept.Level);
        Assert.Contains("dead letter poison-message-1", kept.Message, StringComparison.Ordinal);
        Assert.Contains("Errored send M-1 on instance inst-1", kept.Message, StringComparison.Ordinal);
        Assert.Contains("ZapiDeadLetters", kept.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Message.Contains(Phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_that_is_not_an_envelope_is_kept_with_empty_callback_columns_in_a_table_created_on_demand()
    {
        Assert.Empty(await DeadLetters()); // no table yet: the start-up creation did not run here
        using var counted = new MetricCollector<long>(Services.GetRequiredService<IMeterFactory>(), ZapiTelemetry.Name, ZapiTelemetry.DeadLetters);

        await Keep("poison-message-2", BinaryData.FromString("not an envelope"));

        var row = Assert.Single(await DeadLetters());
        Assert.Equal("not an envelope", row.GetString("Envelope"));
        Assert.Equal(string.Empty, row.GetString("Phone"));
        Assert.Equal(string.Empty, row.GetString("InstanceId"));
        Assert.Equal(string.Empty, row.GetString("MessageId"));
        Assert.Equal(false, Assert.Single(counted.GetMeasurementSnapshot()).Tags["readable"]);
    }

    private static BinaryData Envelope() =>
        EnvelopeWriter.Write(DateTimeOffset.UtcNow, "req-1", null, Encoding.UTF8.GetBytes(Callback));

    private async Task Process(BinaryData body, int dequeueCount)
    {
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(body, dequeueCount, CancellationToken.None);
    }

    private Task<DeadLetterEntity> Keep(string poisonMessageId, BinaryData body) =>
        Services.GetRequiredService<DeadLetterHandler>().HandleAsync(poisonMessageId, body, MovedToPoison, CancellationToken.None);

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
