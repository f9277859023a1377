using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary>
/// <c>zapi poison peek|replay</c> over the <c>ZapiDeadLetters</c> table, against Azurite. Dead letters are written as
/// the DeadLetter function writes them (<see cref="DeadLetterStore"/>).
/// </summary>
public sealed class DeadLetterCommandTests : AzuriteSettingsTests
{
    private const string MainQueue = "zapi-errored-sends";

    [Fact]
    public async Task Peek_shows_each_dead_letter_decoded_oldest_first_and_a_body_that_is_not_an_envelope_with_why()
    {
        var first = await DeadLetter("M-1", At(1));
        var second = await DeadLetter("M-2", At(2));
        var garbage = await DeadLetter(null, At(3));

        var (code, output, _) = await Run("poison", "peek", "--json");
        var (textCode, text, _) = await Run("poison", "peek");

        Assert.Equal((0, 0), (code, textCode));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([first.RowId, second.RowId, garbage.RowId], lines.Select(l => l.GetProperty("id").GetString()));
        Assert.All(lines, JsonStyle.AssertCamelCase);
        Assert.Equal("M-1", lines[0].GetProperty("callback").GetProperty("messageId").GetString());
        Assert.Equal("req-M-1", lines[0].GetProperty("requestId").GetString());
        Assert.Equal(At(1), lines[0].GetProperty("deadLetteredAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("error").ValueKind);
        Assert.Equal("not an envelope", lines[2].GetProperty("body").GetString());
        Assert.StartsWith("The message is not a callback envelope", lines[2].GetProperty("problem").GetString(), StringComparison.Ordinal);
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, rows.Length); // header, rule, three dead letters
        Assert.Contains(first.RowId, rows[2], StringComparison.Ordinal);
        Assert.Contains("Phone number does not exist", rows[2], StringComparison.Ordinal); // the callback's own error
        Assert.Contains("not a callback envelope", rows[4], StringComparison.Ordinal);

        // Each body previewed, the phone masked: the full number only with --json.
        Assert.Contains("{\"phone\":\"55*******4321\",\"zaapId\":\"Z\"", rows[2], StringComparison.Ordinal);
        Assert.DoesNotContain("5511987654321", text, StringComparison.Ordinal);
        Assert.EndsWith("not an envelope", rows[4].TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task Peek_max_below_one_is_a_usage_error(string max)
    {
        var (code, _, error) = await Run("poison", "peek", "--max", max);

        Assert.Equal(2, code);
        Assert.Equal($"error: --max must be a whole number of at least 1 (got {max}).", error.Trim());
    }

    [Fact]
    public async Task Peek_with_nothing_dead_lettered_says_so()
    {
        var (code, output, error) = await Run("poison", "peek");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Contains("Nothing dead-lettered", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_all_sends_each_dead_letter_back_once_removes_its_row_and_a_second_replay_finds_nothing()
    {
        var one = await DeadLetter("M-1", At(1));
        var two = await DeadLetter("M-2", At(2));

        var (code, output, _) = await Run("poison", "replay", "--all");
        var (againCode, again, _) = await Run("poison", "replay", "--all");

        Assert.Equal((0, 0), (code, againCode));
        Assert.Contains("Replayed 2 message(s) from ZapiDeadLetters to zapi-errored-sends.", output, StringComparison.Ordinal);
        Assert.Contains("Replayed 0 message(s)", again, StringComparison.Ordinal);
        var replayed = (await Main().PeekMessagesAsync(32)).Value;
        Assert.Equal(["M-1", "M-2"], replayed.Select(m => MessageIdOf(m.Body)).Order());
        Assert.Equal(one.Body.ToString(), replayed.Single(m => MessageIdOf(m.Body) == "M-1").Body.ToString());
        Assert.Equal(two.Body.ToString(), replayed.Single(m => MessageIdOf(m.Body) == "M-2").Body.ToString());
        Assert.Empty(await Rows());

        // Replays are writes of the app: they keep the errored-sends time-to-live (never, by default), so a replayed
        // message left unread for 8 days is still there.
        Assert.All(replayed, m => Assert.True(m.ExpiresOn > DateTimeOffset.UtcNow.AddDays(8), $"expires {m.ExpiresOn:O}"));
    }

    [Fact]
    public async Task Replay_by_id_takes_the_id_peek_shows_and_an_unknown_id_is_an_error_naming_the_table()
    {
        var first = await DeadLetter("M-1", At(1));
        var second = await DeadLetter("M-2", At(2));

        var (byId, _, _) = await Run("poison", "replay", "--id", first.RowId);

        Assert.Equal(0, byId);
        Assert.Equal(["M-1"], (await Main().PeekMessagesAsync(32)).Value.Select(m => MessageIdOf(m.Body)));
        Assert.Equal([second.RowId], (await Rows()).Select(r => r.RowKey));

        var (missing, _, missingError) = await Run("poison", "replay", "--id", first.RowId);

        Assert.Equal(1, missing);
        Assert.Equal($"error: no dead letter {first.RowId} in ZapiDeadLetters.", missingError.Trim());
    }

    [Fact]
    public async Task A_replayed_message_gets_the_configured_errored_sends_time_to_live()
    {
        await WriteSettingsAsync(new() { ["Zapi__ErroredSendsTimeToLive"] = "01:00:00" });
        await DeadLetter("M-1", At(1));
        var before = DateTimeOffset.UtcNow;

        var (code, _, _) = await Run("poison", "replay", "--all");

        var after = DateTimeOffset.UtcNow;
        Assert.Equal(0, code);
        var expires = Assert.Single((await Main().PeekMessagesAsync(32)).Value).ExpiresOn!.Value;
        Assert.InRange(expires, before.AddHours(1).AddSeconds(-1), after.AddHours(1).AddSeconds(1));
    }

    [Fact]
    public async Task A_replay_interrupted_before_the_row_is_deleted_loses_nothing_and_the_next_replay_duplicates()
    {
        await DeadLetter("M-1", At(1));
        var failing = new DeadLetterOperations(
            Main(), new DeadLetterStore(new DeleteFailsTableClient(Storage.ConnectionString, "ZapiDeadLetters")), QueueTimeToLive.Never);

        var ex = await Assert.ThrowsAsync<ReplayInterruptedException>(() => failing.ReplayAsync(null, CancellationToken.None));

        Assert.Contains("nothing was lost", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Single((await Main().PeekMessagesAsync(32)).Value);
        Assert.Single(await Rows());

        var (code, output, _) = await Run("poison", "replay", "--all");

        Assert.Equal(0, code);
        Assert.Contains("Replayed 1 message(s)", output, StringComparison.Ordinal);
        Assert.Equal(["M-1", "M-1"], (await Main().PeekMessagesAsync(32)).Value.Select(m => MessageIdOf(m.Body)));
        Assert.Empty(await Rows());
    }

    private QueueClient Main() => Storage.Queue(MainQueue);

    private static DateTimeOffset At(int minute) => new(2026, 5, 1, 12, minute, 0, TimeSpan.Zero);

    /// <summary>A dead letter as the DeadLetter function leaves it; <paramref name="messageId"/> null: a body that is not an envelope.</summary>
    private async Task<(string RowId, BinaryData Body)> DeadLetter(string? messageId, DateTimeOffset at)
    {
        var body = messageId is null ? BinaryData.FromString("not an envelope") : Envelope(messageId);
        var rowId = Guid.NewGuid().ToString();
        await new DeadLetterStore(new TableClient(Storage.ConnectionString, "ZapiDeadLetters")).WriteAsync(MainQueue, rowId, body, at, CancellationToken.None);
        return (rowId, body);
    }

    private async Task<List<TableEntity>> Rows()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(Storage.ConnectionString, "ZapiDeadLetters").QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string? MessageIdOf(BinaryData body) => EnvelopeReader.Read(body).Callback.GetProperty("messageId").GetString();

    private static BinaryData Envelope(string messageId) => EnvelopeWriter.Write(
        DateTimeOffset.UtcNow, "req-" + messageId, null,
        Encoding.UTF8.GetBytes($$"""{"phone":"5511987654321","zaapId":"Z","messageId":"{{messageId}}","instanceId":"inst-a","momment":1,"type":"DeliveryCallback","error":"Phone number does not exist"}"""));

    /// <summary>A dead-letters table whose delete fails, as if the tool died right after re-enqueueing.</summary>
    private sealed class DeleteFailsTableClient(string connectionString, string name) : TableClient(connectionString, name)
    {
        public override Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default) =>
            throw new RequestFailedException("simulated crash before delete");
    }
}
