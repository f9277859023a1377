using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Cli.Tests.Support;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;

namespace ZapiFunctions.Cli.Tests;

/// <summary>
/// <c>zapi poison peek|replay</c> over both places a dead letter is kept, the <c>ZapiDeadLetters</c> table
/// and the poison queue, against Azurite. Dead letters are written as the app and the runtime write them: the row by
/// <see cref="DeadLetterStore"/>, then the same body to <c>zapi-errored-sends-poison</c>.
/// </summary>
public sealed class DeadLetterCommandTests : AzuriteSettingsTests
{
    private const string MainQueue = "zapi-errored-sends";

    [Fact]
    public async Task Peek_shows_each_dead_letter_once_saying_where_it_is_kept()
    {
        var both = await DeadLetter("M-1");
        var tableOnly = await DeadLetter("M-2", poison: false); // its poison copy expired after 7 days
        var poisonOnly = (await Poison().SendMessageAsync(Envelope("M-3"))).Value.MessageId;

        var (code, output, _) = await Run("poison", "peek", "--json");
        var (textCode, text, _) = await Run("poison", "peek");

        Assert.Equal((0, 0), (code, textCode));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        var first = lines.Single(l => l.GetProperty("MessageId").GetString() == both.RowId);
        Assert.Equal("table+poison", first.GetProperty("keptIn").GetString());
        Assert.Equal(both.PoisonId, first.GetProperty("poisonMessageId").GetString());
        Assert.Equal(5, first.GetProperty("attempts").GetInt32());
        Assert.Equal("HttpRequestException: Response status code does not indicate success: 503 (Service Unavailable).", first.GetProperty("error").GetString());
        Assert.Equal("M-1", first.GetProperty("callback").GetProperty("messageId").GetString());
        Assert.Equal("table", lines.Single(l => l.GetProperty("MessageId").GetString() == tableOnly.RowId).GetProperty("keptIn").GetString());
        Assert.Equal("poison", lines.Single(l => l.GetProperty("MessageId").GetString() == poisonOnly).GetProperty("keptIn").GetString());
        Assert.Contains(both.RowId, text, StringComparison.Ordinal);
        Assert.Contains("table+poison", text, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(both.PoisonId, text, StringComparison.Ordinal); // one line per dead letter, by its row id
    }

    [Fact]
    public async Task Peek_with_nothing_dead_lettered_says_so()
    {
        var (code, output, error) = await Run("poison", "peek");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Contains("Nothing dead-lettered", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_all_sends_each_dead_letter_back_once_removes_it_from_both_places_and_a_second_replay_finds_nothing()
    {
        var both = await DeadLetter("M-1");
        var tableOnly = await DeadLetter("M-2", poison: false);
        await Poison().SendMessageAsync(Envelope("M-3"));

        var (code, output, _) = await Run("poison", "replay", "--all");
        var (againCode, again, _) = await Run("poison", "replay", "--all");

        Assert.Equal((0, 0), (code, againCode));
        Assert.Contains("Replayed 3 message(s)", output, StringComparison.Ordinal);
        Assert.Contains("Replayed 0 message(s)", again, StringComparison.Ordinal);
        var replayed = (await Main().PeekMessagesAsync(32)).Value;
        Assert.Equal(["M-1", "M-2", "M-3"], replayed.Select(m => MessageIdOf(m.Body)).Order());
        Assert.Equal(both.Body.ToString(), replayed.Single(m => MessageIdOf(m.Body) == "M-1").Body.ToString());
        Assert.Equal(tableOnly.Body.ToString(), replayed.Single(m => MessageIdOf(m.Body) == "M-2").Body.ToString());
        Assert.Empty(await Rows());
        Assert.Empty((await Poison().PeekMessagesAsync(32)).Value);

        // Replays are writes of the app: they keep the errored-sends time-to-live (never, by default), so a replayed
        // message left unread for 8 days is still there.
        Assert.All(replayed, m => Assert.True(m.ExpiresOn > DateTimeOffset.UtcNow.AddDays(8), $"expires {m.ExpiresOn:O}"));
    }

    [Fact]
    public async Task Replay_by_id_takes_the_row_id_or_the_poison_message_id()
    {
        var first = await DeadLetter("M-1");
        var second = await DeadLetter("M-2");

        var (byPoisonId, _, _) = await Run("poison", "replay", "--id", first.PoisonId);

        Assert.Equal(0, byPoisonId);
        Assert.Equal(["M-1"], (await Main().PeekMessagesAsync(32)).Value.Select(m => MessageIdOf(m.Body)));
        Assert.Equal([second.RowId], (await Rows()).Select(r => r.RowKey));
        Assert.Equal(second.PoisonId, Assert.Single((await Poison().PeekMessagesAsync(32)).Value).MessageId);

        var (byRowId, _, _) = await Run("poison", "replay", "--id", second.RowId);
        var (missing, _, missingError) = await Run("poison", "replay", "--id", second.RowId);

        Assert.Equal(0, byRowId);
        Assert.Equal(["M-1", "M-2"], (await Main().PeekMessagesAsync(32)).Value.Select(m => MessageIdOf(m.Body)).Order());
        Assert.Empty(await Rows());
        Assert.Empty((await Poison().PeekMessagesAsync(32)).Value);
        Assert.Equal(1, missing);
        Assert.Equal($"error: no dead letter {second.RowId} in ZapiDeadLetters or zapi-errored-sends-poison.", missingError.Trim());
    }

    [Fact]
    public async Task A_replayed_message_gets_the_configured_errored_sends_time_to_live()
    {
        await WriteSettingsAsync(new() { ["Zapi__ErroredSendsTimeToLive"] = "01:00:00" });
        await DeadLetter("M-1");
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
        await DeadLetter("M-1");
        var failing = new DeadLetterOperations(
            Main(), Poison(), new DeadLetterStore(new DeleteFailsTableClient(Storage.ConnectionString, "ZapiDeadLetters"), TimeProvider.System),
            QueueTimeToLive.Never);

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

    private QueueClient Poison() => Storage.Queue(MainQueue + "-poison");

    /// <summary>A dead letter as the app and the runtime leave it: the row, then (unless it expired) the poison copy.</summary>
    private async Task<(string RowId, string PoisonId, BinaryData Body)> DeadLetter(string messageId, bool poison = true)
    {
        var body = Envelope(messageId);
        var rowId = Guid.NewGuid().ToString();
        var store = new DeadLetterStore(new TableClient(Storage.ConnectionString, "ZapiDeadLetters"), TimeProvider.System);
        await store.WriteAsync(
            MainQueue, rowId, body, new HttpRequestException("Response status code does not indicate success: 503 (Service Unavailable)."), 5, CancellationToken.None);
        if (!poison)
        {
            return (rowId, string.Empty, body);
        }

        await Poison().CreateIfNotExistsAsync();
        return (rowId, (await Poison().SendMessageAsync(body)).Value.MessageId, body);
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
