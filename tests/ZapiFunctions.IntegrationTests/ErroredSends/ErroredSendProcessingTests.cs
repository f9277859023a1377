using System.Diagnostics.Metrics;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.IntegrationTests.Support;

namespace ZapiFunctions.IntegrationTests.ErroredSends;

/// <summary>The errored-send processor against Azurite's real Table service and a real local notify endpoint.</summary>
public sealed class ErroredSendProcessingTests : ErroredSendServicesTests
{
    private const string Callback = """{"phone":"5511987654321","zaapId":"Z-1","messageId":"M-1","instanceId":"inst-1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}""";

    protected override Task OnStartedAsync() => Services.GetRequiredService<ErroredSendLedger>().EnsureTableAsync(CancellationToken.None);

    [Fact]
    public async Task The_same_callback_reported_twice_is_one_row_with_two_occurrences()
    {
        await Process(Envelope("req-a"));
        await Process(Envelope("req-b"));

        var row = Assert.Single(await Rows());
        Assert.Equal(2, row.GetInt32("Occurrences"));
        Assert.Equal("inst-1", row.PartitionKey);
        Assert.Equal("M-1", row.RowKey);
        Assert.Equal("invalid-number", row.GetString("Category"));
        Assert.Equal("Phone number does not exist", row.GetString("Error"));
        Assert.Equal("5511987654321", row.GetString("Phone"));
        Assert.Equal(1777494009341, row.GetInt64("Momment"));
        Assert.False(row.GetBoolean("Retryable"));
        Assert.True(row.GetDateTimeOffset("FirstSeen") <= row.GetDateTimeOffset("LastSeen"));
    }

    [Fact]
    public async Task The_same_callback_processed_twice_concurrently_is_one_row_with_two_occurrences()
    {
        await Task.WhenAll(Process(Envelope("req-a")), Process(Envelope("req-b")));

        Assert.Equal(2, Assert.Single(await Rows()).GetInt32("Occurrences"));
    }

    [Fact]
    public async Task Many_concurrent_reports_lose_no_update()
    {
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Process(Envelope($"req-{i}"))));

        Assert.Equal(12, Assert.Single(await Rows()).GetInt32("Occurrences"));
        Assert.Single(Notify.Received);
    }

    [Fact]
    public async Task A_queue_redelivery_of_the_same_request_is_not_counted_again()
    {
        var message = Envelope("req-a");

        var first = await Process(message);
        var again = await Process(message);

        Assert.True(first.Counted);
        Assert.False(again.Counted);
        Assert.Equal(1, Assert.Single(await Rows()).GetInt32("Occurrences"));
    }

    [Fact]
    public async Task The_team_is_notified_on_the_first_occurrence_only()
    {
        var first = await Process(Envelope("req-a"));
        var second = await Process(Envelope("req-b"));
        await Process(Envelope("req-c"));

        Assert.True(first.Notified);
        Assert.False(second.Notified);
        var body = Assert.Single(Notify.Received);
        Assert.Equal("zapi.errored-send", body.GetProperty("type").GetString());
        Assert.Equal("M-1", body.GetProperty("messageId").GetString());
        Assert.Equal("invalid-number", body.GetProperty("category").GetString());
        Assert.False(body.GetProperty("retryable").GetBoolean());
        Assert.Equal("req-a", body.GetProperty("requestId").GetString());
        Assert.NotNull(Assert.Single(await Rows()).GetDateTimeOffset("NotifiedAt"));
    }

    [Fact]
    public async Task A_failing_notify_endpoint_makes_processing_throw_and_the_retry_notifies()
    {
        Notify.Status = 503;
        var message = Envelope("req-a");

        await Assert.ThrowsAsync<HttpRequestException>(() => Process(message));
        Assert.True(Notify.Received.Count >= 2, "the resilience pipeline should have retried");
        Assert.Null(Assert.Single(await Rows()).GetDateTimeOffset("NotifiedAt"));

        Notify.Status = 200;
        var retried = await Process(message);

        Assert.True(retried.Notified);
        var row = Assert.Single(await Rows());
        Assert.NotNull(row.GetDateTimeOffset("NotifiedAt"));
        Assert.Equal(1, row.GetInt32("Occurrences"));
    }

    [Fact]
    public async Task Telemetry_counts_by_category_and_logs_a_warning_with_the_phone_masked()
    {
        using var errored = new MetricCollector<long>(
            Services.GetRequiredService<IMeterFactory>(), ZapiTelemetry.Name, ZapiTelemetry.ErroredSends);

        await Process(Envelope("req-a"));
        await Process(Envelope("req-a"));

        var point = Assert.Single(errored.GetMeasurementSnapshot());
        Assert.Equal("invalid-number", point.Tags["category"]);
        Assert.Equal("inst-1", point.Tags["instance_id"]);
        var logs = Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var warning = Assert.Single(logs, r => r.Level == LogLevel.Warning && r.Category == typeof(ErroredSendProcessor).FullName);
        Assert.Contains("55*******4321", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Message.Contains("5511987654321", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_message_raises_and_records_nothing()
    {
        var ex = await Assert.ThrowsAsync<InvalidEnvelopeException>(() => Process(BinaryData.FromString("{\"not\":\"an envelope\"}")));

        Assert.Contains("schema", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await Rows());
        Assert.Empty(Notify.Received);
    }

    private static BinaryData Envelope(string requestId) =>
        EnvelopeWriter.Write(DateTimeOffset.UtcNow, requestId, null, Encoding.UTF8.GetBytes(Callback));

    private async Task<ErroredSendOutcome> Process(BinaryData message)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErroredSendProcessor>().ProcessAsync(message, 1, CancellationToken.None);
    }
}
