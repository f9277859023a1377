using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary>errored, poison and queues commands against Azurite, addressed like the app (local.settings.json format).</summary>
public sealed class StorageCommandTests : AzuriteSettingsTests
{
    [Fact]
    public async Task Errored_list_shows_rows_newest_first_with_phones_masked_and_filters()
    {
        await Record("inst-a", "M-1", "Phone number does not exist", "req-1");
        await Record("inst-a", "M-2", "Timeout on send message", "req-2");
        await Record("inst-b", "M-3", "Phone number does not exist", "req-3");

        var (code, output, _) = await Run("errored", "list");
        var (_, byCategory, _) = await Run("errored", "list", "--category", "invalid-number", "--instance", "inst-a", "--json");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length); // header, rule, 3 rows
        Assert.Contains("M-3", lines[2], StringComparison.Ordinal);
        Assert.Contains("55*******4321", output, StringComparison.Ordinal);
        Assert.DoesNotContain("5511987654321", output, StringComparison.Ordinal);
        var row = JsonDocument.Parse(Assert.Single(byCategory.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("M-1", row.GetProperty("messageId").GetString());
        Assert.Equal("5511987654321", row.GetProperty("phone").GetString());
        JsonStyle.AssertCamelCase(row);
    }

    [Fact]
    public async Task Each_command_checks_only_the_settings_it_uses()
    {
        // Settings the storage commands do not use are broken; they must still work.
        await WriteSettingsAsync(new()
        {
            ["Zapi__NotifyUrl"] = "ftp://not-https.example.test",
            ["Zapi__MaxBodyBytes"] = "-5",
            ["Zapi__EnqueueTimeout"] = "soon",
        });
        await Record("inst-a", "M-1", "Phone number does not exist", "req-1");

        var errored = await Run("errored", "list", "--json");
        var stats = await Run("queues", "stats");
        var peek = await Run("poison", "peek");

        Assert.Equal((0, string.Empty), (errored.Item1, errored.Item3));
        Assert.Contains("M-1", errored.Item2, StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (stats.Item1, stats.Item3));
        Assert.Equal((0, string.Empty), (peek.Item1, peek.Item3));
    }

    [Fact]
    public async Task Errored_list_since_filters_by_last_seen()
    {
        await Record("inst-a", "M-1", "Phone number does not exist", "req-1");

        var (_, recent, _) = await Run("errored", "list", "--since", "1h", "--json");
        var (_, future, _) = await Run("errored", "list", "--since", "2999-01-01T00:00:00Z", "--json");
        var (badCode, _, badError) = await Run("errored", "list", "--since", "yesterday");

        Assert.Single(recent.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(future.Trim());
        Assert.Equal(2, badCode);
        Assert.Contains("--since", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poison_peek_decodes_envelopes_and_says_why_others_are_not()
    {
        await DeadLetter(Envelope("M-9"));
        await DeadLetter(BinaryData.FromString("garbage"));

        var (code, output, _) = await Run("poison", "peek");

        Assert.Equal(0, code);
        Assert.Contains("M-9", output, StringComparison.Ordinal);
        Assert.Contains("Phone number does not exist", output, StringComparison.Ordinal);
        Assert.Contains("not a callback envelope", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poison_peek_shows_a_callback_without_instance_or_messageId_by_its_zaapId_under_instance_none()
    {
        await DeadLetter(AppPipeline.Envelope(AppPipeline.Sample("shapes/minimal"), DateTimeOffset.UtcNow, "req-min"));
        await DeadLetter(AppPipeline.Envelope(
            AppPipeline.Sample("shapes/per-instance"), DateTimeOffset.UtcNow, "req-pi", "3C67AB641C8AA0412F6A2242B4E23AC7"));

        var (code, output, error) = await Run("poison", "peek");

        Assert.Equal((0, string.Empty), (code, error));
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"\s+\(none\)\s+A20DA9C0183A2D35A260F53F5D2B1001 \(zaapId\)\s+Phone number does not exist\s+\{", rows.Single(r => r.Contains("A20DA9C0183A2D35A260F53F5D2B1001", StringComparison.Ordinal)));
        Assert.Matches(@"\s+3C67AB641C8AA0412F6A2242B4E23AC7\s+3EB0F1C2D3E4F5A61004\s+Error on send message\s+\{", rows.Single(r => r.Contains("3EB0F1C2D3E4F5A61004", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Poison_replay_all_moves_every_dead_letter_back_and_empties_the_table()
    {
        await Main().CreateIfNotExistsAsync();
        for (var i = 0; i < 40; i++)
        {
            await DeadLetter(Envelope($"M-{i}"));
        }

        var (code, output, _) = await Run("poison", "replay", "--all");

        Assert.Equal(0, code);
        Assert.Contains("Replayed 40 message(s)", output, StringComparison.Ordinal);
        Assert.Equal(40, (await Main().GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty(await DeadLetters().ListAsync("zapi-errored-sends", CancellationToken.None));
        var replayed = (await Main().ReceiveMessagesAsync(32)).Value;
        Assert.All(replayed, m => Assert.StartsWith("M-", EnvelopeReader.Read(m.Body).Callback.GetProperty("messageId").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poison_replay_by_id_moves_only_that_message()
    {
        await Main().CreateIfNotExistsAsync();
        var keep = await DeadLetter(Envelope("M-keep"));
        var move = await DeadLetter(Envelope("M-move"));

        var (code, _, _) = await Run("poison", "replay", "--id", move);
        var (missingCode, _, missingError) = await Run("poison", "replay", "--id", "no-such-id");

        Assert.Equal(0, code);
        var moved = Assert.Single((await Main().PeekMessagesAsync(32)).Value);
        Assert.Equal("M-move", EnvelopeReader.Read(moved.Body).Callback.GetProperty("messageId").GetString());
        Assert.Equal(keep, Assert.Single(await DeadLetters().ListAsync("zapi-errored-sends", CancellationToken.None)).RowKey);
        Assert.Equal(1, missingCode);
        Assert.Contains("no-such-id", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_stats_counts_every_queue_and_names_missing_ones()
    {
        await Main().CreateIfNotExistsAsync();
        await Main().SendMessageAsync(Envelope("M-1"));
        await Main().SendMessageAsync(Envelope("M-2"));

        var (code, output, _) = await Run("queues", "stats", "--json");

        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("queue").GetString()!);
        Assert.Equal(2, rows["zapi-errored-sends"].GetProperty("approximateCount").GetInt32());
        Assert.False(rows["zapi-deliveries"].GetProperty("exists").GetBoolean());
        Assert.False(rows["zapi-errored-sends-poison"].GetProperty("exists").GetBoolean());
        Assert.All(rows.Values, JsonStyle.AssertCamelCase);
    }

    [Fact]
    public async Task Storage_not_configured_is_a_usage_error_saying_what_to_set()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"zapi-cli-empty-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(empty, """{"Values":{}}""");
        try
        {
            var (code, _, error) = await ZapiTool.RunAsync(null, "queues", "stats", "--settings", empty);

            Assert.Equal(2, code);
            Assert.Contains("AzureWebJobsStorage", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    private QueueClient Main() => Storage.Queue("zapi-errored-sends");

    private DeadLetterStore DeadLetters() => new(new TableClient(Storage.ConnectionString, "ZapiDeadLetters"));

    /// <summary>Keeps <paramref name="body"/> as the DeadLetter function does; returns the id peek and replay take.</summary>
    private async Task<string> DeadLetter(BinaryData body)
    {
        var id = Guid.NewGuid().ToString();
        await DeadLetters().WriteAsync("zapi-errored-sends", id, body, DateTimeOffset.UtcNow, CancellationToken.None);
        return id;
    }

    private static BinaryData Envelope(string messageId) => EnvelopeWriter.Write(
        DateTimeOffset.UtcNow, "req-" + messageId, null,
        Encoding.UTF8.GetBytes($$"""{"phone":"5511987654321","zaapId":"Z","messageId":"{{messageId}}","instanceId":"inst-a","momment":1,"type":"DeliveryCallback","error":"Phone number does not exist"}"""));

    private async Task Record(string instance, string messageId, string error, string requestId)
    {
        var table = new TableClient(Storage.ConnectionString, "ZapiErroredSends");
        await table.CreateIfNotExistsAsync();
        var ledger = new ErroredSendLedger(table, TimeProvider.System);
        var callback = new ZapiFunctions.Core.Callbacks.DeliveryCallback("5511987654321", "Z", messageId, instance, 1, "DeliveryCallback", error);
        await ledger.RecordAsync(callback, ErrorCatalog.Classify(error, null), requestId, DateTimeOffset.UtcNow, CancellationToken.None);
    }
}
