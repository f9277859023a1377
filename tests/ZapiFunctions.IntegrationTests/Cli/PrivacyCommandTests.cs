using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Cli.Support;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary><c>zapi errored purge</c> and <c>zapi errored forget</c> against Azurite.</summary>
public sealed class PrivacyCommandTests : AzuriteSettingsTests
{
    private const string Phone = "5511987654321";
    private const string Other = "5521912345678";

    [Fact]
    public async Task Purge_deletes_what_was_last_seen_before_the_cutoff_and_says_how_much()
    {
        var now = DateTimeOffset.UtcNow;
        await Record(now.AddDays(-40), "inst-a", "M-old", Phone);
        await Record(now.AddDays(-35), "inst-b", "M-old-too", Other);
        await Record(now.AddDays(-1), "inst-a", "M-new", Phone);
        await DeadLetter("dl-old", Phone, now.AddDays(-31));
        await DeadLetter("dl-new", Phone, now.AddDays(-29));

        var (code, output, error) = await Run("errored", "purge", "--older-than", "30d");

        Assert.Equal((0, string.Empty), (code, error));
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^Deleted 2 errored-send row\(s\) and 1 dead letter\(s\) last seen before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.$", line);
        var before = DateTimeOffset.Parse(line[(line.LastIndexOf(' ') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(before, now.AddDays(-30).AddMinutes(-1), now.AddDays(-30).AddMinutes(1));
        Assert.Equal(["inst-a/M-new"], await Keys("ZapiErroredSends"));
        Assert.Equal(["zapi-errored-sends/dl-new"], await Keys("ZapiDeadLetters"));
    }

    [Fact]
    public async Task Purge_takes_an_iso_date_and_works_before_any_table_exists()
    {
        var (code, output, _) = await Run("errored", "purge", "--older-than", "2026-01-01T00:00:00Z");

        Assert.Equal(0, code);
        Assert.Equal("Deleted 0 errored-send row(s) and 0 dead letter(s) last seen before 2026-01-01T00:00:00Z.", output.Trim());
    }

    [Theory]
    [InlineData("30m", "error: --older-than '30m' is less than 1 hour before now")]
    [InlineData("2999-01-01T00:00:00Z", "error: --older-than '2999-01-01T00:00:00Z' is less than 1 hour before now")]
    [InlineData("yesterday", "error: --older-than takes a duration back from now such as 30d, 12h or 90m, or an ISO date/time")]
    [InlineData("-5d", "error: --older-than takes a duration back from now")]
    [InlineData(null, "error: Give --older-than: a duration back from now")]
    public async Task A_bad_older_than_is_a_usage_error_in_one_line_and_deletes_nothing(string? olderThan, string expected)
    {
        await Record(DateTimeOffset.UtcNow.AddDays(-400), "inst-a", "M-old", Phone);

        var (code, output, error) = await Run(olderThan is null ? ["errored", "purge"] : ["errored", "purge", "--older-than", olderThan]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(["inst-a/M-old"], await Keys("ZapiErroredSends"));
    }

    [Fact]
    public async Task Forget_erases_one_phone_everywhere_and_prints_counts_with_the_phone_masked()
    {
        await Seed();

        var (code, output, error) = await Run("errored", "forget", "--phone", "+55 (11) 98765-4321");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.DoesNotContain(Phone, output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Equal("Erased what was kept for 55*******4321:", lines[0]);
        Assert.Matches(@"^zapi-deliveries\s+queued messages\s+1$", lines[3]);
        Assert.Matches(@"^zapi-errored-sends\s+queued messages\s+1\s+1 other message\(s\) left alone: not callback envelopes$", lines[4]);
        Assert.Matches(@"^zapi-errored-sends-poison\s+queued messages\s+0\s+the queue does not exist$", lines[5]);
        Assert.Matches(@"^zapi-errored-sends-poison-poison\s+queued messages\s+0\s+the queue does not exist$", lines[6]);
        Assert.Matches(@"^ZapiDeadLetters\s+dead letters\s+1$", lines[7]);
        Assert.Matches(@"^ZapiErroredSends\s+errored-send rows\s+2$", lines[8]);
        Assert.Equal("Erased 5 item(s) in all; logs and traces hold this phone masked only.", lines[9]);
        Assert.Equal(["inst-a/M-other"], await Keys("ZapiErroredSends"));
        Assert.Empty(await Keys("ZapiDeadLetters"));
        Assert.Equal(2, await Visible("zapi-errored-sends"));
        Assert.Equal(1, await Visible("zapi-deliveries"));
    }

    [Fact]
    public async Task Forget_dry_run_counts_and_deletes_nothing()
    {
        await Seed();

        var (code, output, _) = await Run("errored", "forget", "--phone", Phone, "--dry-run");

        Assert.Equal(0, code);
        Assert.DoesNotContain(Phone, output, StringComparison.Ordinal);
        Assert.StartsWith("Dry run for 55*******4321: nothing was deleted. This would be erased:", output, StringComparison.Ordinal);
        Assert.Contains("would erase", output, StringComparison.Ordinal);
        Assert.Contains("Would erase 5 item(s) in all", output, StringComparison.Ordinal);
        Assert.Equal(["inst-a/M-1", "inst-a/M-other", "inst-b/M-2"], await Keys("ZapiErroredSends"));
        Assert.Equal(["zapi-errored-sends/dl-1"], await Keys("ZapiDeadLetters"));
        Assert.Equal(3, await Visible("zapi-errored-sends"));
        Assert.Equal(2, await Visible("zapi-deliveries"));
    }

    [Theory]
    [InlineData]
    [InlineData("--phone", "joao@example.com")]
    public async Task Forget_without_a_phone_is_a_usage_error_in_one_line(params string[] phone)
    {
        var (code, _, error) = await Run(["errored", "forget", .. phone]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: Give --phone as Z-API writes it", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forget_erases_a_callback_whose_phone_came_as_a_json_number_queued_and_recorded()
    {
        // The sender wrote "phone": 5511987654321; the app keeps it as its text.
        var sample = AppPipeline.Sample("shapes/phone-as-number");
        await AppPipeline.ProcessAsync(Storage, AppPipeline.Envelope(sample, DateTimeOffset.UtcNow, "req-n1"), TimeProvider.System);
        var queue = Storage.Queue("zapi-errored-sends");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(AppPipeline.Envelope(sample, DateTimeOffset.UtcNow, "req-n2"));

        var (code, output, error) = await Run("errored", "forget", "--phone", Phone);

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Contains("Erased 2 item(s) in all", output, StringComparison.Ordinal);
        Assert.Empty(await Keys("ZapiErroredSends"));
        Assert.Equal(0, await Visible("zapi-errored-sends"));
    }

    [Fact]
    public async Task Purge_deletes_the_rows_of_callbacks_that_named_no_instance()
    {
        await AppPipeline.ProcessAsync(
            Storage, AppPipeline.Envelope(AppPipeline.Sample("shapes/minimal"), DateTimeOffset.UtcNow.AddDays(-40), "req-min"),
            new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-40)));

        var (code, output, _) = await Run("errored", "purge", "--older-than", "30d");

        Assert.Equal(0, code);
        Assert.StartsWith("Deleted 1 errored-send row(s)", output, StringComparison.Ordinal);
        Assert.Empty(await Keys("ZapiErroredSends"));
    }

    /// <summary>For <see cref="Phone"/>: 2 rows, 1 dead letter, 1 message in each of deliveries and errored sends; others beside them.</summary>
    private async Task Seed()
    {
        var now = DateTimeOffset.UtcNow;
        await Record(now, "inst-a", "M-1", Phone);
        await Record(now, "inst-b", "M-2", Phone);
        await Record(now, "inst-a", "M-other", Other);
        await DeadLetter("dl-1", Phone, now);
        await Send("zapi-deliveries", Phone, errored: false);
        await Send("zapi-deliveries", Other, errored: false);
        await Send("zapi-errored-sends", Phone, errored: true);
        await Send("zapi-errored-sends", Other, errored: true);
        var raw = new Azure.Storage.Queues.QueueClient(Storage.ConnectionString, "zapi-errored-sends");
        await raw.SendMessageAsync("{not an envelope: written by hand}");
    }

    private async Task Record(DateTimeOffset at, string instance, string messageId, string phone)
    {
        var table = new TableClient(Storage.ConnectionString, "ZapiErroredSends");
        await table.CreateIfNotExistsAsync();
        var callback = new DeliveryCallback(phone, "Z", messageId, instance, 1, DeliveryCallback.ExpectedType, "Phone number does not exist");
        await new ErroredSendLedger(table, new FakeTimeProvider(at)).RecordAsync(
            callback, ErrorCatalog.Classify(callback.Error, null), "req-" + messageId, at, CancellationToken.None);
    }

    private async Task DeadLetter(string id, string phone, DateTimeOffset at)
    {
        var table = new TableClient(Storage.ConnectionString, "ZapiDeadLetters");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("zapi-errored-sends", id)
        {
            ["Envelope"] = "{}",
            ["Error"] = "gave up",
            ["Attempts"] = 5,
            ["DeadLetteredAt"] = at,
            ["InstanceId"] = "inst-a",
            ["MessageId"] = "M-" + id,
            ["Phone"] = phone,
        });
    }

    private async Task Send(string queue, string phone, bool errored)
    {
        var client = Storage.Queue(queue);
        await client.CreateIfNotExistsAsync();
        var error = errored ? ",\"error\":\"Phone number does not exist\"" : string.Empty;
        await client.SendMessageAsync(EnvelopeWriter.Write(
            DateTimeOffset.UtcNow, "req", null,
            Encoding.UTF8.GetBytes($$"""{"phone":"{{phone}}","zaapId":"Z","messageId":"M-{{Guid.NewGuid():N}}","instanceId":"inst-a","momment":1,"type":"DeliveryCallback"{{error}}}""")));
    }

    /// <summary>Messages of <paramref name="queue"/> visible now (at most 32), read without decoding.</summary>
    private async Task<int> Visible(string queue) =>
        (await new Azure.Storage.Queues.QueueClient(Storage.ConnectionString, queue).PeekMessagesAsync(32)).Value.Length;

    private async Task<List<string>> Keys(string table)
    {
        try
        {
            var keys = new List<string>();
            await foreach (var row in new TableClient(Storage.ConnectionString, table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                keys.Add($"{row.PartitionKey}/{row.RowKey}");
            }

            return [.. keys.Order(StringComparer.Ordinal)];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
    }
}
