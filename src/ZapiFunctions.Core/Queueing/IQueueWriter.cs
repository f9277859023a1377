namespace ZapiFunctions.Core.Queueing;

/// <summary>Durable hand-off of one message to a named queue. Returns only once the message is stored.</summary>
public interface IQueueWriter
{
    /// <summary>Stores <paramref name="message"/> in <paramref name="queueName"/>; throws if it could not.</summary>
    Task EnqueueAsync(string queueName, BinaryData message, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="queueNames"/> if they do not exist yet.</summary>
    Task EnsureQueuesAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken);
}
