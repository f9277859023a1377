using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Cli.Tests.Support;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Cli.Tests;

/// <summary><c>zapi trace</c> against Azurite: each stage of a callback's life found in storage, or said to be missing.</summary>
public sealed class TraceCommandTests : AzuriteSettingsTests
{
    private const string Phone = "5511987654321";
    private const string MaskedPhone = "55*******4321";
    private static readonly DateTimeOffset Received = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_delivered_callback_still_queued_is_found_in_the_deliveries_queue_and_the_rest_said_plainly()
    {
        await Send("zapi-deliveries", Envelope("M-1", "req-1", error: null));
        await Send("zapi-deliveries", Envelope("M-other", "req-2", error: null));

        var (code, output, error) = await Run("trace", "M-1");
        var (_, full, _) = await Run("trace", "M-1", "--show-phone");

        Assert.Equal((0, string.Empty), (code, error));
        var lines = Lines(output);
        Assert.Equal(["queued", "processed", "notified", "poisoned"], lines.Select(Stage));
        Assert.StartsWith("2026-05-01 12:00:00Z  queued", lines[0], StringComparison.Ordinal);
        Assert.Contains("waiting in zapi-deliveries (request req-1, instance inst-a, phone " + MaskedPhone + ")", lines[0], StringComparison.Ordinal);
        Assert.All(lines[1..], l => Assert.Contains("not found: ", l, StringComparison.Ordinal));
        Assert.Contains("it was delivered, and only failed sends are recorded", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("req-2", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, output, StringComparison.Ordinal);
        Assert.Contains("phone " + Phone, full, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_errored_send_recorded_and_notified_shows_each_stage_in_time_order()
    {
        var time = new FakeTimeProvider(Received.AddSeconds(1));
        var ledger = new ErroredSendLedger(await Table(), time);
        var record = await ledger.RecordAsync(Callback("M-2", "Phone number does not exist"), ErrorCatalog.Classify("Phone number does not exist", null), "req-1", DateTimeOffset.UtcNow, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await ledger.MarkNotifiedAsync(record.Entity, CancellationToken.None);
        // Z-API reported it again; that callback is still waiting in the errored-sends queue.
        await Send("zapi-errored-sends", Envelope("M-2", "req-9", "Phone number does not exist", Received.AddMinutes(5)));

        var (code, output, _) = await Run("trace", "M-2");
        var (jsonCode, json, _) = await Run("trace", "M-2", "--json", "--instance", "inst-a");

        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Equal(["processed", "notified", "queued", "poisoned"], lines.Select(Stage));
        Assert.StartsWith("2026-05-01 12:00:01Z  processed  recorded in ZapiErroredSends: category invalid-number (retryable: no), 1 occurrence(s), " +
            "first seen 2026-05-01 12:00:01Z (request req-1)", lines[0], StringComparison.Ordinal);
        Assert.Contains("phone " + MaskedPhone, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-05-01 12:00:02Z  notified", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2026-05-01 12:05:00Z  queued     received and waiting in zapi-errored-sends (request req-9", lines[2], StringComparison.Ordinal);
        Assert.Contains("not found", lines[3], StringComparison.Ordinal);

        Assert.Equal(0, jsonCode);
        var stages = Lines(json).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["processed", "notified", "queued", "poisoned"], stages.Select(s => s.GetProperty("stage").GetString()));
        Assert.Equal([true, true, true, false], stages.Select(s => s.GetProperty("found").GetBoolean()));
        Assert.Equal("invalid-number", stages[0].GetProperty("category").GetString());
        Assert.Equal(MaskedPhone, stages[0].GetProperty("phone").GetString());
        Assert.DoesNotContain(Phone, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poisoned_callback_is_found_with_the_id_that_replays_it()
    {
        var queued = await Send("zapi-errored-sends-poison", Envelope("M-3", "req-3", "Phone number does not exist"));

        var (code, output, _) = await Run("trace", "M-3");
        var (otherInstance, _, _) = await Run("trace", "M-3", "--instance", "inst-b");

        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Equal(["poisoned", "queued", "processed", "notified"], lines.Select(Stage));
        Assert.Contains($"moved to zapi-errored-sends-poison as message {queued} (request req-3, received 2026-05-01 12:00:00Z", lines[0], StringComparison.Ordinal);
        Assert.Contains($"'zapi poison replay --id {queued}'", lines[0], StringComparison.Ordinal);
        Assert.Equal(1, otherInstance);
    }

    [Fact]
    public async Task An_unknown_message_id_finds_nothing_and_exits_1()
    {
        await Send("zapi-errored-sends", Envelope("M-4", "req-4", "Phone number does not exist"));
        await Send("zapi-errored-sends-poison", "not an envelope");

        var (code, output, error) = await Run("trace", "no-such-message");

        Assert.Equal((1, string.Empty), (code, error));
        var lines = Lines(output);
        Assert.Equal(["queued", "processed", "notified", "poisoned"], lines.Select(Stage));
        Assert.All(lines, l => Assert.StartsWith("-", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains("not found: ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_queue_holding_a_message_that_is_not_base64_is_named_in_one_warning_line_and_the_rest_is_searched()
    {
        await Send("zapi-deliveries", Envelope("M-5", "req-5", error: null));
        var raw = new QueueClient(Storage.ConnectionString, "zapi-errored-sends-poison");
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync("plain text, not base64 !!");

        var (code, output, error) = await Run("trace", "M-5");

        Assert.Equal(0, code);
        Assert.Equal("queued", Stage(Lines(output)[0]));
        Assert.Equal(
            $"warning: zapi-errored-sends-poison was not searched: one of its first 32 messages is not Base64, so none could be read{Environment.NewLine}",
            error);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The stage column of a text line (after the 20-character time column).</summary>
    private static string Stage(string line) => line[22..].Split(' ', 2)[0];

    private async Task<string> Send(string queue, BinaryData message)
    {
        var client = Storage.Queue(queue);
        await client.CreateIfNotExistsAsync();
        return (await client.SendMessageAsync(message)).Value.MessageId;
    }

    private Task<string> Send(string queue, string message) => Send(queue, BinaryData.FromString(message));

    private async Task<TableClient> Table()
    {
        var table = new TableClient(Storage.ConnectionString, "ZapiErroredSends");
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static DeliveryCallback Callback(string messageId, string? error) =>
        new(Phone, "Z-" + messageId, messageId, "inst-a", 1777636800000, "DeliveryCallback", error);

    private static BinaryData Envelope(string messageId, string requestId, string? error, DateTimeOffset? receivedAt = null)
    {
        var errorField = error is null ? string.Empty : $",\"error\":\"{error}\"";
        return EnvelopeWriter.Write(
            receivedAt ?? Received, requestId, null,
            Encoding.UTF8.GetBytes($$"""{"phone":"{{Phone}}","zaapId":"Z-{{messageId}}","messageId":"{{messageId}}","instanceId":"inst-a","momment":1777636800000,"type":"DeliveryCallback"{{errorField}}}"""));
    }
}
