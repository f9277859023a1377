using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>Reading back what the app stored: whole queues by messageId, and the errored-sends table.</summary>
public static class Storage
{
    public const string Deliveries = "zapi-deliveries";
    public const string ErroredSends = "zapi-errored-sends";
    public const string Poison = "zapi-errored-sends-poison";
    public const string Table = "ZapiErroredSends";

    /// <summary><paramref name="azurite"/>'s connection string with the queue service reached through <paramref name="port"/> (a proxy).</summary>
    public static string WithQueuePort(this Azurite azurite, int port)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return azurite.ConnectionString.Replace(
            $"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/", $"QueueEndpoint=http://127.0.0.1:{port}/", StringComparison.Ordinal);
    }

    /// <summary>The number of messages in a queue, visible or not (0 when it does not exist).</summary>
    public static async Task<int> CountAsync(QueueClient queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return await queue.ExistsAsync() ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    /// <summary>
    /// Every message of <paramref name="queue"/>, read once each (received with a long lease so none is seen twice),
    /// counted by callback messageId. Reads until the queue has handed out as many messages as it holds.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> ReadAllAsync(QueueClient queue, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var total = await CountAsync(queue);
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var read = 0;
        using var timeout = new CancellationTokenSource(deadline);
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), timeout.Token, async (_, ct) =>
        {
            while (Volatile.Read(ref read) < total)
            {
                var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30), ct)).Value;
                foreach (var message in batch)
                {
                    counts.AddOrUpdate(Callbacks.MessageIdOf(message.Body), 1, (_, n) => n + 1);
                }

                Interlocked.Add(ref read, batch.Length);
            }
        });
        return counts;
    }

    /// <summary>The rows of ZapiErroredSends.</summary>
    public static async Task<IReadOnlyList<TableEntity>> RowsAsync(Azurite azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var table = new TableClient(azurite.ConnectionString, Table);
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no rows.
        }

        return rows;
    }
}
