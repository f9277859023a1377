using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Operations.Backlog;

namespace ZapiFunctions.Core.Privacy;

/// <summary>Builds the personal-data services for the hosts (retention) and the CLI (retention and erasure).</summary>
public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PersonalDataRetention"/> over the errored-sends and dead-letter tables (from
    /// <c>AzureWebJobsStorage</c>); the host decides when it runs (the Retention function, the DevHost's poller).
    /// </summary>
    public static IServiceCollection AddZapiRetention(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddZapiOptions(configuration);
        services.AddZapiStorageTables(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => Retention(
            sp.GetRequiredService<TableServiceClient>(),
            sp.GetRequiredService<IOptions<ZapiOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PersonalDataRetention>>()));
        return services;
    }

    /// <summary>Retention over the tables <paramref name="options"/> name.</summary>
    public static PersonalDataRetention Retention(
        TableServiceClient tables, ZapiOptions options, TimeProvider time, ILogger<PersonalDataRetention> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        return new PersonalDataRetention(
            tables.GetTableClient(options.ErroredSendsTable), tables.GetTableClient(DeadLetterTable.Name(options)), time, logger);
    }

    /// <summary>
    /// Erasure over every store <paramref name="options"/> name: the deliveries queue (when it is on: empty names no
    /// queue, and a client for it would fail the whole erasure), the errored-sends queue and its poison queue (read through <paramref name="undecodedQueues"/>, see <see cref="UndecodedQueueService"/>), the
    /// dead-letter table and the errored-sends table.
    /// </summary>
    public static PersonalDataErasure Erasure(QueueServiceClient undecodedQueues, TableServiceClient tables, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(undecodedQueues);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        string[] queues = [.. options.IngestQueues(), options.ErroredSendsQueue + BacklogMonitor.PoisonSuffix];
        return new PersonalDataErasure(
            [.. queues.Select(undecodedQueues.GetQueueClient)],
            tables.GetTableClient(options.ErroredSendsTable),
            tables.GetTableClient(DeadLetterTable.Name(options)));
    }

    /// <summary>
    /// A queue client addressed like the app's but without Base64 decoding, so that a message in any encoding is read
    /// (and skipped when it is not an envelope) instead of failing the whole receive.
    /// </summary>
    public static QueueServiceClient UndecodedQueueService(StorageConnection storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var options = new QueueClientOptions();
        IngestServiceCollectionExtensions.ConfigureQueueOptions(options);
        options.MessageEncoding = QueueMessageEncoding.None;
        return storage.ConnectionString is { } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(storage.ServiceUri("queue"), storage.Credential(), options);
    }
}
