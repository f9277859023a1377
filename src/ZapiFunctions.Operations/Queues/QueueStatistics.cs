using Azure;
using Azure.Storage.Queues;

namespace ZapiFunctions.Operations.Queues;

/// <summary>Approximate message counts of the app's queues.</summary>
public static class QueueStatistics
{
    /// <summary>One row per queue; <c>null</c> count when the queue does not exist.</summary>
    public static async Task<IReadOnlyList<(string Queue, int? ApproximateCount)>> ReadAsync(
        QueueServiceClient service, IEnumerable<string> queueNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(queueNames);
        var rows = new List<(string, int?)>();
        foreach (var name in queueNames)
        {
            try
            {
                var properties = await service.GetQueueClient(name).GetPropertiesAsync(cancellationToken);
                rows.Add((name, properties.Value.ApproximateMessagesCount));
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                rows.Add((name, null));
            }
        }

        return rows;
    }
}
