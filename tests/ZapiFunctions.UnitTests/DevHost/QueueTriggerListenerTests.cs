using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ZapiFunctions.DevHost.Queues;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>The DevHost's queue listener runs messages as the Functions runtime does: batchSize + newBatchThreshold at once.</summary>
public sealed class QueueTriggerListenerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_next_batch_is_fetched_once_the_running_messages_are_down_to_newBatchThreshold()
    {
        var settings = QueueTriggerSettings.Defaults with { BatchSize = 4, NewBatchThreshold = 2, MaxPollingInterval = TimeSpan.FromSeconds(1) };
        var queue = new FakeQueue(messages: 20);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var most = 0;
        var done = 0;
        using var listener = new QueueTriggerListener(queue.Service, "zapi-errored-sends", settings, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await gate.Task.WaitAsync(ct);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
        }, NullLogger<QueueTriggerListener>.Instance);

        await listener.StartAsync(CancellationToken.None);

        // A first batch of 4 is above the threshold of 2: nothing more is fetched while all four run.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref running)), n => n == 4, Deadline, "the first batch to run");
        Assert.Equal(1, queue.Receives);

        gate.SetResult();
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref done)), n => n == 20, Deadline, "every message to be processed");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(20, queue.Deleted.Count);
        Assert.InRange(most, 4, settings.BatchSize + settings.NewBatchThreshold);
    }

    [Fact]
    public async Task While_a_batch_runs_above_the_threshold_the_listener_fetches_no_more_and_runs_at_most_batchSize_plus_newBatchThreshold()
    {
        var settings = QueueTriggerSettings.Defaults with { BatchSize = 4, NewBatchThreshold = 2, MaxPollingInterval = TimeSpan.FromSeconds(1) };
        var queue = new FakeQueue(messages: 12);
        var releases = new System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource>();
        var running = 0;
        var most = 0;
        using var listener = new QueueTriggerListener(queue.Service, "zapi-errored-sends", settings, async (_, ct) =>
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            releases.Enqueue(release);
            InterlockedMax(ref most, Interlocked.Increment(ref running));
            await release.Task.WaitAsync(ct);
            Interlocked.Decrement(ref running);
        }, NullLogger<QueueTriggerListener>.Instance);

        await listener.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref running)), n => n == 4, Deadline, "the first batch");

        // Two of the four finish: down to the threshold, so a second batch of four joins the two still running.
        for (var i = 0; i < 2; i++)
        {
            Assert.True(releases.TryDequeue(out var release));
            release.SetResult();
        }

        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref running)), n => n == 6, Deadline, "the second batch beside the two still running");
        Assert.Equal(2, queue.Receives);

        while (queue.Deleted.Count < 12)
        {
            while (releases.TryDequeue(out var release))
            {
                release.SetResult();
            }

            await Poll.UntilAsync(() => Task.FromResult(queue.Deleted.Count == 12 || !releases.IsEmpty), ready => ready, Deadline, "the rest to run");
        }

        await listener.StopAsync(CancellationToken.None);
        Assert.Equal(12, queue.Deleted.Count);
        Assert.Equal(settings.BatchSize + settings.NewBatchThreshold, most);
    }

    [Fact]
    public async Task An_idle_queue_is_polled_by_its_count_and_a_message_that_arrives_is_still_received()
    {
        var settings = QueueTriggerSettings.Defaults with { BatchSize = 4, NewBatchThreshold = 2, MaxPollingInterval = TimeSpan.FromMilliseconds(200) };
        var queue = new FakeQueue(messages: 0);
        var handled = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new QueueTriggerListener(queue.Service, "zapi-errored-sends", settings, (message, _) =>
        {
            handled.Add(message.MessageId);
            return Task.CompletedTask;
        }, NullLogger<QueueTriggerListener>.Instance);

        await listener.StartAsync(CancellationToken.None);

        // The first poll receives; it finds nothing, so the polls after it ask for the count and receive nothing.
        await Poll.UntilAsync(() => Task.FromResult(queue.Counts), n => n >= 3, Deadline, "three polls of the idle queue");
        Assert.Equal(1, queue.Receives);

        queue.Add("late");
        await Poll.UntilAsync(() => Task.FromResult(queue.Deleted.Contains("late")), done => done, Deadline, "the message that arrived to be processed");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(["late"], handled);
        Assert.True(queue.Receives >= 2);
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }

    /// <summary>
    /// A queue of <c>messages</c> that hands out at most the batch size asked for, counts what it still holds (as
    /// Storage's count: received but undeleted messages too), and records deletes.
    /// </summary>
    private sealed class FakeQueue
    {
        private readonly Queue<QueueMessage> _messages;
        private int _receives;
        private int _counts;
        private long _received;

        public FakeQueue(int messages)
        {
            _messages = new(Enumerable.Range(1, messages).Select(i => QueuesModelFactory.QueueMessage(
                $"m-{i}", $"pop-{i}", new BinaryData("{}"), dequeueCount: 1)));
            var queue = new Mock<QueueClient>();
            queue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((Response)null!);
            queue.Setup(q => q.ReceiveMessagesAsync(It.IsAny<int?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((int? most, TimeSpan? _, CancellationToken _) =>
                {
                    Interlocked.Increment(ref _receives);
                    lock (_messages)
                    {
                        var batch = new List<QueueMessage>();
                        while (batch.Count < (most ?? 1) && _messages.TryDequeue(out var message))
                        {
                            batch.Add(message);
                        }

                        _received += batch.Count;

                        return Response.FromValue(batch.ToArray(), Mock.Of<Response>());
                    }
                });
            queue.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>()))
                .ReturnsAsync(() =>
                {
                    Interlocked.Increment(ref _counts);
                    lock (_messages)
                    {
                        return Response.FromValue(QueuesModelFactory.QueueProperties(new Dictionary<string, string>(), (long)_messages.Count + Undeleted), Mock.Of<Response>());
                    }
                });
            queue.Setup(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((string id, string _, CancellationToken _) =>
                {
                    Deleted.Add(id);
                    return Mock.Of<Response>();
                });
            var service = new Mock<QueueServiceClient>();
            service.Setup(s => s.GetQueueClient(It.IsAny<string>())).Returns(queue.Object);
            Service = service.Object;
        }

        public QueueServiceClient Service { get; }

        public System.Collections.Concurrent.ConcurrentBag<string> Deleted { get; } = [];

        public int Receives => Volatile.Read(ref _receives);

        public int Counts => Volatile.Read(ref _counts);

        private long Undeleted => _received - Deleted.Count;

        public void Add(string id)
        {
            lock (_messages)
            {
                _messages.Enqueue(QueuesModelFactory.QueueMessage(id, $"pop-{id}", new BinaryData("{}"), dequeueCount: 1));
            }
        }
    }
}
