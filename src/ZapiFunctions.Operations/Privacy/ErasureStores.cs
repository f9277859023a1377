using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.Privacy;

/// <summary>Builds <see cref="PersonalDataErasure"/> over the stores the settings name; only the CLI erases.</summary>
public static class ErasureStores
{
    /// <summary>
    /// Erasure over every store <paramref name="options"/> name: the deliveries queue (when it is on: empty names no
    /// queue, and a client for it would fail the whole erasure), the errored-sends queue and its poison queue (read through <paramref name="undecodedQueues"/>, the client named <see cref="StorageServiceCollectionExtensions.UndecodedQueuesName"/>, so a message in any encoding is read and skipped when it is not an envelope), the
    /// dead-letter table and the errored-sends table.
    /// </summary>
    public static PersonalDataErasure Erasure(QueueServiceClient undecodedQueues, TableServiceClient tables, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(undecodedQueues);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        string[] queues = [.. options.IngestQueues(), .. PoisonQueues.Chain(options.ErroredSendsQueue)];
        return new PersonalDataErasure(
            [.. queues.Select(undecodedQueues.GetQueueClient)],
            tables.GetTableClient(options.ErroredSendsTable),
            tables.GetTableClient(DeadLetterTable.Name(options)));
    }
}
