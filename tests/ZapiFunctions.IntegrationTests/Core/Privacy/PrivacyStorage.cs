using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Core.Privacy;

/// <summary>The stores that keep phones, on a real Azurite, with helpers to fill and read them.</summary>
internal sealed class PrivacyStorage(Azurite azurite)
{
    public const string ErroredSendsTable = "ZapiErroredSends";

    public TableClient ErroredSends { get; } = new(azurite.ConnectionString, ErroredSendsTable);

    public TableClient DeadLetters { get; } = new(azurite.ConnectionString, DeadLetterTable.Name(new ZapiOptions()));

    /// <summary>A queue client as the app writes (Base64).</summary>
    public QueueClient Queue(string name) => azurite.Queue(name);

    /// <summary>A queue client that writes the text as given (not Base64), as a person might by hand.</summary>
    public QueueClient RawQueue(string name) => new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>Records a failure of <paramref name="messageId"/> to <paramref name="phone"/> the way the app does, at <paramref name="time"/>'s now.</summary>
    public async Task RecordAsync(TimeProvider time, string instance, string messageId, string phone, string requestId = "req")
    {
        await ErroredSends.CreateIfNotExistsAsync();
        var callback = new DeliveryCallback(phone, "Z-" + messageId, messageId, instance, 1, DeliveryCallback.ExpectedType, "Phone number does not exist");
        await new ErroredSendLedger(ErroredSends, time).RecordAsync(
            callback, ErrorCatalog.Classify(callback.Error, null), requestId + "-" + messageId, time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>Adds <paramref name="count"/> rows of one instance last seen at <paramref name="lastSeen"/> (transactions of 100).</summary>
    public async Task AddRowsAsync(string instance, string prefix, int count, DateTimeOffset lastSeen)
    {
        await ErroredSends.CreateIfNotExistsAsync();
        var rows = Enumerable.Range(0, count).Select(i => new ErroredSendEntity
        {
            PartitionKey = instance,
            RowKey = $"{prefix}-{i:D4}",
            InstanceId = instance,
            MessageId = $"{prefix}-{i:D4}",
            Phone = "5511900000000",
            FirstSeen = lastSeen,
            LastSeen = lastSeen,
            Occurrences = 1,
        });
        foreach (var batch in rows.Chunk(100))
        {
            await ErroredSends.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }
    }

    /// <summary>A dead letter as the dead-letter table's contract describes it.</summary>
    public async Task DeadLetterAsync(string sourceQueue, string queueMessageId, string phone, DateTimeOffset deadLetteredAt)
    {
        await DeadLetters.CreateIfNotExistsAsync();
        await DeadLetters.AddEntityAsync(new TableEntity(sourceQueue, queueMessageId)
        {
            [DeadLetterTable.Envelope] = Envelope(phone, "M-" + queueMessageId).ToString(),
            ["Error"] = "gave up",
            ["Attempts"] = 5,
            [DeadLetterTable.DeadLetteredAt] = deadLetteredAt,
            ["InstanceId"] = "inst-a",
            ["MessageId"] = "M-" + queueMessageId,
            [DeadLetterTable.Phone] = phone,
        });
    }

    public static BinaryData Envelope(string phone, string messageId, bool errored = true) => EnvelopeWriter.Write(
        DateTimeOffset.UtcNow, "req-" + messageId, null,
        Encoding.UTF8.GetBytes($$"""{"phone":"{{phone}}","zaapId":"Z","messageId":"{{messageId}}","instanceId":"inst-a","momment":1,"type":"DeliveryCallback"{{(errored ? ",\"error\":\"Phone number does not exist\"" : string.Empty)}}}"""));

    public static async Task<List<string>> KeysAsync(TableClient table)
    {
        try
        {
            var keys = new List<string>();
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
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

    /// <summary>The phones of every message in <paramref name="queue"/>, read by receiving them all (they stay hidden afterwards).</summary>
    public async Task<List<string>> DrainPhonesAsync(string queue)
    {
        var raw = RawQueue(queue);
        var phones = new List<string>();
        while ((await raw.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            phones.AddRange(batch.Select(m => Phone(m.Body)));
        }

        return [.. phones.Order(StringComparer.Ordinal)];
    }

    /// <summary>The phones of every visible envelope in <paramref name="queue"/> ("-" for a message that is not one); messages stay.</summary>
    public async Task<List<string>> QueuedPhonesAsync(string queue)
    {
        var raw = RawQueue(queue);
        var peeked = (await raw.PeekMessagesAsync(32)).Value;
        return [.. peeked.Select(m => Phone(m.Body)).Order(StringComparer.Ordinal)];
    }

    private static string Phone(BinaryData body)
    {
        try
        {
            return EnvelopeReader.Read(BinaryData.FromBytes(Convert.FromBase64String(body.ToString()))).Callback.GetProperty("phone").GetString()!;
        }
        catch (Exception ex) when (ex is FormatException or InvalidEnvelopeException)
        {
            return "-";
        }
    }
}
