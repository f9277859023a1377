using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Queues;

/// <summary>
/// A local stand-in for the Functions queue trigger, following host.json: receive up to <c>batchSize</c> messages,
/// run them concurrently, and, as the runtime does, fetch the next batch as soon as the messages still running are down
/// to <c>newBatchThreshold</c> (so up to <c>batchSize + newBatchThreshold</c> run at once); delete on success; on
/// failure make the message visible again after <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c> tries move it
/// to <c>&lt;queue&gt;-poison</c>. An empty queue (or unreachable storage) doubles the polling delay up to
/// <c>maxPollingInterval</c>. After a poll that found nothing, the next asks for the queue's message count first and
/// receives only when it is not zero (see <see cref="PollAsync"/>). Not emulated: lease renewal (a received message
/// stays invisible for 5 minutes).
/// </summary>
internal sealed partial class QueueTriggerListener(
    QueueServiceClient service,
    string queueName,
    QueueTriggerSettings settings,
    Func<QueueMessage, CancellationToken, Task> handler,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    /// <summary>How long a received message stays invisible while it is being processed.</summary>
    private static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly QueueClient _queue = service.GetQueueClient(queueName);
    private readonly QueueClient _poison = service.GetQueueClient(PoisonQueues.For(queueName));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogListening(logger, queueName, settings.BatchSize, settings.MaxDequeueCount, settings.VisibilityTimeout, settings.MaxPollingInterval);

        // In Azure the template creates the queues; here the first poll of a queue nobody wrote to yet (the poison
        // queue) would otherwise report storage as failing.
        await TryCreateQueueAsync(stoppingToken);
        var delay = MinimumPollingInterval;
        var reachable = true;
        var lastPollEmpty = false;
        var running = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The runtime fetches the next batch once the messages still running are down to newBatchThreshold.
                running.RemoveWhere(task => task.IsCompleted);
                while (running.Count > settings.NewBatchThreshold)
                {
                    running.Remove(await Task.WhenAny(running));
                }

                QueueMessage[] batch;
                try
                {
                    batch = await PollAsync(lastPollEmpty, stoppingToken);
                    if (!reachable)
                    {
                        LogPollRecovered(logger, queueName);
                        reachable = true;
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // Storage may be down or the queue not created yet: back off and poll again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    // Once per outage, not once per poll: the back-off polls again every few seconds.
                    if (reachable)
                    {
                        LogPollFailed(logger, queueName, StorageFailure.Describe(ex));
                        reachable = false;
                    }

                    batch = [];
                    await TryCreateQueueAsync(stoppingToken);
                }

                lastPollEmpty = batch.Length == 0;
                if (batch.Length > 0)
                {
                    delay = MinimumPollingInterval;
                    running.UnionWith(batch.Select(message => ProcessAsync(message, stoppingToken)));
                    continue;
                }

                // Nothing new: poll again after the back-off, or as soon as a running message is done.
                var wait = Task.Delay(delay, stoppingToken);
                if (await Task.WhenAny(running.Append(wait)) != wait)
                {
                    continue;
                }

                try
                {
                    await wait;
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
            }
        }
        finally
        {
            // What was received finishes (or sees the stop) before the listener does: settled, or left to its lease.
            await Task.WhenAll(running);
        }
    }

    /// <summary>
    /// One poll: a receive of up to <c>batchSize</c>, except that after an empty poll the queue's message count comes
    /// first, and an empty queue is left at that. Storage documents the count as never lower than the actual number of
    /// messages (visible or not), so no message is picked up later than by a receive, and an idle poll is still one
    /// storage call, as the runtime's. Azurite, though, answers a receive by scanning every message it holds in any
    /// queue, which for an emulator a load test has filled takes it many times longer than a count (bench/README.md,
    /// "What the DevHost's pollers cost the emulator"), and it answers one request at a time, ingest's writes included.
    /// </summary>
    private async Task<QueueMessage[]> PollAsync(bool lastPollEmpty, CancellationToken cancellationToken)
    {
        if (lastPollEmpty && (await _queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong == 0)
        {
            return [];
        }

        return (await _queue.ReceiveMessagesAsync(settings.BatchSize, ProcessingLease, cancellationToken)).Value;
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, stoppingToken);
                return;
            }

            try
            {
                await handler(message, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // Shutting down: the lease expires and the message is retried.
            }
#pragma warning disable CA1031 // A failed message is retried or moved to poison, exactly as the Functions runtime does.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex, message.MessageId, queueName, message.DequeueCount, settings.MaxDequeueCount);
                if (message.DequeueCount >= settings.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(message, stoppingToken);
                }
                else
                {
                    await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: stoppingToken);
                }

                return;
            }

            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // Deleting or moving failed (storage down): the lease expires and the message comes back.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSettleFailed(logger, message.MessageId, queueName, StorageFailure.Describe(ex));
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // Copy first, delete second: a crash in between duplicates the message rather than losing it. The runtime's
        // copy gets Storage's default time-to-live (it sends none); this stand-in sets the same explicitly.
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, visibilityTimeout: null, QueueTimeToLive.RuntimePoisonCopy, cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        LogPoisoned(logger, message.MessageId, settings.MaxDequeueCount, _poison.Name);
    }

    private async Task TryCreateQueueAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
#pragma warning disable CA1031 // Best effort: the next poll reports the failure again.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Listening to queue {Queue} (batchSize {BatchSize}, maxDequeueCount {MaxDequeueCount}, visibilityTimeout {VisibilityTimeout}, maxPollingInterval {MaxPollingInterval})")]
    private static partial void LogListening(ILogger logger, string queue, int batchSize, int maxDequeueCount, TimeSpan visibilityTimeout, TimeSpan maxPollingInterval);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Polling queue {Queue} failed ({Reason}); backing off")]
    private static partial void LogPollFailed(ILogger logger, string queue, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Polling queue {Queue} works again")]
    private static partial void LogPollRecovered(ILogger logger, string queue);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error,
        Message = "Message {MessageId} on {Queue} failed (try {DequeueCount} of {MaxDequeueCount})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string messageId, string queue, long dequeueCount, int maxDequeueCount);

    // Worded like the Functions host's message, so the same KQL and alert match both.
    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "Message {MessageId} has reached MaxDequeueCount of {MaxDequeueCount}. Moving message to queue '{PoisonQueue}'.")]
    private static partial void LogPoisoned(ILogger logger, string messageId, int maxDequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Could not settle message {MessageId} on {Queue} ({Reason}); it will be retried when its lease expires")]
    private static partial void LogSettleFailed(ILogger logger, string messageId, string queue, string reason);
}
