using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Cli.Support;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary><c>zapi trace</c> against Azurite: each stage of a callback's life found in storage, or said to be missing.</summary>
public sealed class TraceCommandTests : AzuriteSettingsTests
{
    private const string Phone = "5511987654321";
    private const string MaskedPhone = "55*******4321";
    private const string PathInstance = "3C67AB641C8AA0412F6A2242B4E23AC7";
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
    public async Task A_dead_lettered_callback_is_found_with_the_id_that_replays_it()
    {
        await new DeadLetterStore(new TableClient(Storage.ConnectionString, "ZapiDeadLetters"))
            .WriteAsync("zapi-errored-sends", "dl-3", Envelope("M-3", "req-3", "Phone number does not exist"), Received.AddMinutes(5), CancellationToken.None);

        var (code, output, _) = await Run("trace", "M-3");
        var (otherInstance, _, _) = await Run("trace", "M-3", "--instance", "inst-b");

        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Equal(["poisoned", "queued", "processed", "notified"], lines.Select(Stage));
        Assert.Contains("failed every try: kept in ZapiDeadLetters as dead letter dl-3 (request req-3, received 2026-05-01 12:00:00Z", lines[0], StringComparison.Ordinal);
        Assert.Contains("'zapi poison replay --id dl-3'", lines[0], StringComparison.Ordinal);
        Assert.Equal(1, otherInstance);
    }

    [Fact]
    public async Task A_callback_still_in_the_poison_queue_is_found_waiting_for_the_dead_letter_function()
    {
        var queued = await Send("zapi-errored-sends-poison", Envelope("M-3", "req-3", "Phone number does not exist"));

        var (code, output, _) = await Run("trace", "M-3");

        Assert.Equal(0, code);
        var poisoned = Lines(output).Single(l => Stage(l) == "poisoned");
        Assert.Contains($"in zapi-errored-sends-poison as message {queued}, waiting for the DeadLetter function to keep it (request req-3", poisoned, StringComparison.Ordinal);
        Assert.DoesNotContain("replay", poisoned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_from_a_callback_are_escaped_in_the_trace()
    {
        await Send("zapi-errored-sends", Envelope("M-5", "req-5", "bad\\u001b[2J\\u0007"));

        var (code, output, _) = await Run("trace", "M-5");

        Assert.Equal(0, code);
        Assert.Contains("bad\\u001B[2J\\u0007", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Replace(Environment.NewLine, string.Empty, StringComparison.Ordinal), char.IsControl);
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

    [Fact]
    public async Task A_minimal_callback_recorded_by_the_processor_is_traced_by_its_zaapId_and_listed_under_instance_none()
    {
        // Only what Z-API's docs require: phone, zaapId, type (and the error): no messageId, instanceId or momment.
        const string ZaapId = "A20DA9C0183A2D35A260F53F5D2B1001";
        var envelope = AppPipeline.Envelope(AppPipeline.Sample("shapes/minimal"), Received, "req-min");
        await AppPipeline.ProcessAsync(Storage, envelope, new FakeTimeProvider(Received.AddSeconds(1)));
        await Send("zapi-errored-sends-poison", envelope);

        var (code, output, error) = await Run("trace", ZaapId);
        var (jsonCode, json, _) = await Run("trace", ZaapId, "--json", "--instance", "(none)");
        var (listCode, list, _) = await Run("errored", "list");
        var (_, listJson, _) = await Run("errored", "list", "--instance", "(none)", "--json");

        Assert.Equal((0, string.Empty), (code, error));
        var lines = Lines(output);
        Assert.Equal(["processed", "poisoned", "queued", "notified"], lines.Select(Stage));
        Assert.StartsWith("2026-05-01 12:00:01Z  processed  recorded in ZapiErroredSends: category invalid-number", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("instance (none), phone " + MaskedPhone, lines[0], StringComparison.Ordinal);
        Assert.Contains("instance (none), phone " + MaskedPhone + ", error \"Phone number does not exist\"", lines[1], StringComparison.Ordinal);

        Assert.Equal(0, jsonCode);
        var stages = Lines(json).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(stages, s => Assert.Equal(ZaapId, s.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, stages[0].GetProperty("instanceId").ValueKind);
        Assert.Equal(JsonValueKind.Null, stages[0].GetProperty("messageId").ValueKind);
        Assert.Equal(ZaapId, stages[0].GetProperty("zaapId").GetString());

        Assert.Equal(0, listCode);
        var listed = Lines(list);
        Assert.Equal(3, listed.Length); // header, rule, the row
        Assert.Matches($@"^2026-05-01 12:00:01  \(none\)\s+{ZaapId} \(zaapId\)\s+-\s+{Regex.Escape(MaskedPhone)}\s+invalid-number\s+no\s+1\s+Phone number does not exist$", listed[2]);
        var row = JsonDocument.Parse(Assert.Single(Lines(listJson))).RootElement;
        Assert.Equal(JsonValueKind.Null, row.GetProperty("instanceId").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("messageId").ValueKind);
        Assert.Equal(ZaapId, row.GetProperty("zaapId").GetString());
        Assert.Equal(Received.ToUnixTimeMilliseconds(), row.GetProperty("momment").GetInt64()); // no momment: received-at
        JsonStyle.AssertCamelCase(row);
        Assert.All(stages, JsonStyle.AssertCamelCase);
    }

    [Fact]
    public async Task A_callback_without_phone_or_instance_shows_dashes_and_none_not_empty_columns()
    {
        await Send("zapi-errored-sends", AppPipeline.Envelope(
            """{"zaapId":"Z-ONLY","type":"DeliveryCallback","error":"Phone number does not exist"}""", Received, "req-bare"));

        var (code, output, _) = await Run("trace", "Z-ONLY");

        Assert.Equal(0, code);
        Assert.Contains("received and waiting in zapi-errored-sends (request req-bare, instance (none), phone -, error \"Phone number does not exist\")", Lines(output)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zaapId_also_finds_a_callback_that_has_a_messageId()
    {
        var ledger = new ErroredSendLedger(await Table(), new FakeTimeProvider(Received));
        await ledger.RecordAsync(Callback("M-6", "Phone number does not exist"), ErrorCatalog.Classify("Phone number does not exist", null), "req-6", Received, CancellationToken.None);
        await Send("zapi-errored-sends", Envelope("M-6", "req-7", "Phone number does not exist", Received.AddMinutes(5)));

        var (code, output, _) = await Run("trace", "Z-M-6", "--instance", "inst-a");

        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Equal(["processed", "queued", "notified", "poisoned"], lines.Select(Stage));
        Assert.StartsWith("2026-05-01 12:00:00Z  processed  recorded in ZapiErroredSends", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-05-01 12:05:00Z  queued     received and waiting in zapi-errored-sends (request req-7", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_per_instance_callback_shows_the_instance_the_url_gave_it()
    {
        await Send("zapi-errored-sends", AppPipeline.Envelope(AppPipeline.Sample("shapes/per-instance"), Received, "req-pi", PathInstance));
        await Send("zapi-errored-sends", AppPipeline.Envelope(AppPipeline.Sample("shapes/per-instance-mismatch"), Received, "req-pm", PathInstance));

        var (code, output, _) = await Run("trace", "3EB0F1C2D3E4F5A61004", "--instance", PathInstance);
        var (mismatchCode, mismatch, _) = await Run("trace", "3EB0F1C2D3E4F5A61005");

        Assert.Equal((0, 0), (code, mismatchCode));
        Assert.Contains($"instance {PathInstance} (from the URL), phone", Lines(output)[0], StringComparison.Ordinal);
        Assert.Contains($"instance 7D1E0C5B9A8F4E3D2C1B0A9F8E7D6C5B (the URL named {PathInstance}), phone", Lines(mismatch)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_id_traces_every_callback_that_carries_it_recorded_or_queued()
    {
        // The failed send, recorded; a later send of the same order, delivered and still queued; another order beside them.
        var failed = AppPipeline.Envelope(AppPipeline.Sample("shapes/with-custom-id"), Received, "req-c1");
        await AppPipeline.ProcessAsync(Storage, failed, new FakeTimeProvider(Received.AddSeconds(1)));
        await Send("zapi-deliveries", AppPipeline.Envelope(
            $$"""{"phone":"{{Phone}}","zaapId":"Z-retry","messageId":"M-retry","instanceId":"{{PathInstance}}","type":"DeliveryCallback","customId":"order-123"}""",
            Received.AddMinutes(10), "req-c2"));
        await Send("zapi-errored-sends", AppPipeline.Envelope(
            $$"""{"phone":"{{Phone}}","zaapId":"Z-other","messageId":"M-other","instanceId":"{{PathInstance}}","type":"DeliveryCallback","customId":"order-999","error":"Phone number does not exist"}""",
            Received, "req-c3"));

        var (code, output, error) = await Run("trace", "--custom-id", "order-123");
        var (jsonCode, json, _) = await Run("trace", "--custom-id", "order-123", "--json");
        var (otherInstance, none, _) = await Run("trace", "--custom-id", "order-123", "--instance", "inst-b");

        Assert.Equal((0, string.Empty), (code, error));
        var lines = Lines(output);
        Assert.Equal("customId order-123: 2 message(s)", lines[0]);
        Assert.Equal($"message 3EB0F1C2D3E4F5A61003, instance {PathInstance}:", lines[1]);
        Assert.Equal(["processed", "queued", "notified", "poisoned"], lines[2..6].Select(Stage));
        Assert.EndsWith("phone " + MaskedPhone + ", customId order-123", lines[2], StringComparison.Ordinal);
        Assert.Equal($"message M-retry, instance {PathInstance}:", lines[6]);
        Assert.Equal(["queued", "processed", "notified", "poisoned"], lines[7..].Select(Stage));
        Assert.Contains("waiting in zapi-deliveries (request req-c2, instance " + PathInstance + ", phone " + MaskedPhone + ", customId order-123)", lines[7], StringComparison.Ordinal);
        Assert.DoesNotContain("M-other", output, StringComparison.Ordinal);

        Assert.Equal(0, jsonCode);
        var stages = Lines(json).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["3EB0F1C2D3E4F5A61003", "M-retry"], stages.Select(s => s.GetProperty("id").GetString()).Distinct());
        Assert.Equal("order-123", stages[0].GetProperty("customId").GetString());

        Assert.Equal(1, otherInstance);
        Assert.StartsWith("customId order-123: not found: no row with CustomId order-123 in ZapiErroredSends", Assert.Single(Lines(none)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "error: Give the callback's messageId or zaapId (zapi trace <messageId>), or its customId (zapi trace --custom-id <customId>).")]
    [InlineData(new[] { "M-1", "--custom-id", "order-123" }, "error: Give the callback's messageId or --custom-id, not both.")]
    [InlineData(new[] { "--custom-id", " " }, "error: Give the callback's messageId or zaapId (zapi trace <messageId>), or its customId (zapi trace --custom-id <customId>).")]
    public async Task Not_exactly_one_of_messageId_or_custom_id_is_a_one_line_usage_error(string[] args, string expected)
    {
        var (code, output, error) = await Run(["trace", .. args]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal(expected, Assert.Single(Lines(error)));
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
