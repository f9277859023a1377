using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// <see cref="IQueueWriter"/> on Azure Storage queues. The service client comes from configuration with
/// Base64 message encoding, which the Functions queue trigger expects by default. Every message is written with the
/// target queue's time-to-live (<see cref="QueueTimeToLive"/>), never Storage's default of 7 days.
/// </summary>
public sealed class StorageQueueWriter(QueueServiceClient service, QueueTimeToLive timeToLive) : IQueueWriter
{
    private readonly ConcurrentDictionary<string, QueueClient> _clients = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task EnqueueAsync(string queueName, BinaryData message, CancellationToken cancellationToken)
    {
        var queue = Client(queueName);
        var ttl = timeToLive.For(queueName);
        try
        {
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: ttl, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound.ToString())
        {
            // Created at start-up normally; this covers a queue deleted while running, or a start-up without storage.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: ttl, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task EnsureQueuesAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queueNames);
        foreach (var name in queueNames.Distinct(StringComparer.Ordinal))
        {
            await Client(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private QueueClient Client(string queueName) => _clients.GetOrAdd(queueName, service.GetQueueClient);
}
