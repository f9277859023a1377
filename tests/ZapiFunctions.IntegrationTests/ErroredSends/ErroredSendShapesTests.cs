using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Support;

namespace ZapiFunctions.IntegrationTests.ErroredSends;

/// <summary>
/// Errored-send processing of the callback shapes real senders use, against Azurite's Table service and a real local
/// notify endpoint: fields left out, an id too long for a table key, control characters, a per-instance URL.
/// </summary>
public sealed class ErroredSendShapesTests : ErroredSendServicesTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    protected override Task OnStartedAsync() => Services.GetRequiredService<ErroredSendLedger>().EnsureTableAsync(CancellationToken.None);

    [Fact]
    public async Task The_minimal_documented_callback_is_one_row_keyed_by_zaapId_under_no_instance_timed_at_receipt()
    {
        await Process("""{"phone":"5511987654321","zaapId":"Z-min","type":"DeliveryCallback","error":"Phone number does not exist"}""");

        var row = Assert.Single(await Rows());
        Assert.Equal(TableKeys.NoInstance, row.PartitionKey);
        Assert.Equal("Z-min", row.RowKey);
        Assert.Equal("Z-min", row.GetString("ZaapId"));
        Assert.Equal(ReceivedAt.ToUnixTimeMilliseconds(), row.GetInt64("Momment"));
        var notification = Assert.Single(Notify.Received);
        Assert.Equal(ReceivedAt.ToUnixTimeMilliseconds(), notification.GetProperty("momment").GetInt64());
        Assert.False(notification.TryGetProperty("messageId", out _), "a field the callback did not carry is left out, never null");
        Assert.False(notification.TryGetProperty("instanceId", out _));
    }

    [Fact]
    public async Task CustomId_is_kept_in_the_row_and_the_notification()
    {
        await Process("""{"phone":"5511987654321","zaapId":"Z-c","messageId":"M-c","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","customId":"order-123","error":"Timeout on send message"}""");

        var row = Assert.Single(await Rows());
        Assert.Equal("order-123", row.GetString("CustomId"));
        Assert.Equal(1777494009341, row.GetInt64("Momment"));
        Assert.Equal("order-123", Assert.Single(Notify.Received).GetProperty("customId").GetString());
    }

    [Fact]
    public async Task A_per_instance_url_fills_the_partition_and_is_recorded()
    {
        await Process("""{"phone":"5511987654321","zaapId":"Z-p","messageId":"M-p","type":"DeliveryCallback","error":"Timeout on send message"}""", pathInstanceId: "inst-path");

        var row = Assert.Single(await Rows());
        Assert.Equal("inst-path", row.PartitionKey);
        Assert.Equal("inst-path", row.GetString("InstanceId"));
        Assert.Equal("inst-path", row.GetString("PathInstanceId"));
    }

    [Fact]
    public async Task An_id_too_long_for_a_table_key_is_recorded_under_its_hash_once_and_never_logged_in_full()
    {
        var id = "M" + new string('9', 10_000);
        var body = $$"""{"phone":"5511987654321","zaapId":"Z-long","messageId":"{{id}}","instanceId":"inst-1","momment":1,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

        await Process(body, requestId: "req-a");
        await Process(body, requestId: "req-b");

        var row = Assert.Single(await Rows());
        Assert.StartsWith(TableKeys.HashPrefix, row.RowKey, StringComparison.Ordinal);
        Assert.Equal(id, row.GetString("MessageId"));
        Assert.Equal(2, row.GetInt32("Occurrences"));
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.All(logs, r => Assert.DoesNotContain(id, r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Control_characters_from_a_callback_never_reach_a_log_line_raw()
    {
        await Process("""{"phone":"5511987654321","zaapId":"Z-esc","messageId":"M\u001b[2J\u0007\u0000","instanceId":"inst\u001b]0;x\u0007","momment":1,"type":"DeliveryCallback","error":"bad\u001b[31m"}""");

        // The app's own lines: the Azure SDK's request logs are multi-line by design and carry no callback text.
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot()
            .Where(r => r.Category?.StartsWith("ZapiFunctions", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(logs);
        Assert.All(logs, r => Assert.DoesNotContain(r.Message, c => char.IsControl(c)));
        Assert.Single(await Rows());
    }

    private async Task Process(string callback, string requestId = "req-1", string? pathInstanceId = null)
    {
        var raw = Encoding.UTF8.GetBytes(callback);
        var parsed = CallbackParser.Parse(raw, pathInstanceId).Callback ?? throw new InvalidOperationException("not a callback");
        var message = EnvelopeWriter.Write(ReceivedAt, requestId, null, raw, parsed);
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(message, 1, CancellationToken.None);
    }
}
