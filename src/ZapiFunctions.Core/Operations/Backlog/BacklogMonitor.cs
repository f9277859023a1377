using System.Diagnostics.Metrics;
using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Operations.Backlog;

/// <summary>
/// Reads the backlog of the app's queues (the deliveries queue, the errored-sends queue and its poison queue) when
/// asked (<see cref="RefreshAsync"/>: every minute, by the Functions timer or the DevHost), keeps the last reading and
/// publishes it on the <c>ZapiFunctions</c> meter as the gauges <see cref="ZapiTelemetry.QueueDepth"/> (messages) and
/// <see cref="ZapiTelemetry.QueueOldestAge"/> (seconds), tagged <see cref="ZapiTelemetry.QueueTag"/> with the queue name.
/// <para>
/// Depth is storage's approximate count. Age is measured from the front message's insertion time as peeked: a message
/// being processed or waiting for its retry is invisible to a peek, so the age is that of the oldest visible message. A
/// queue that does not exist reads as empty. A queue whose read fails publishes nothing (no stale value) until a read
/// succeeds, and the failure is logged once, as one warning line, not on every reading; a reading older than
/// <see cref="BacklogMonitorOptions.StaleAfter"/> is not published either.
/// </para>
/// <para>
/// No message body is read: give it a client without Base64 decoding (as <c>AddZapiBacklog</c> does), so a message
/// that is not Base64 still counts instead of failing the peek.
/// </para>
/// </summary>
public sealed partial class BacklogMonitor
{
    private readonly QueueServiceClient _service;
    private readonly TimeProvider _time;
    private readonly ILogger<BacklogMonitor> _logger;
    private readonly BacklogMonitorOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QueueBacklog> _readings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    public BacklogMonitor(
        QueueServiceClient service,
        IOptions<ZapiOptions> zapiOptions,
        IOptions<BacklogMonitorOptions> options,
        IMeterFactory meterFactory,
        TimeProvider time,
        ILogger<BacklogMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(zapiOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _service = service;
        _time = time;
        _logger = logger;
        _options = options.Value;
        var zapi = zapiOptions.Value;
        Queues = [.. zapi.IngestQueues(), .. PoisonQueues.Chain(zapi.ErroredSendsQueue)];

        var meter = meterFactory.Create(ZapiTelemetry.Name);
        meter.CreateObservableGauge(
            ZapiTelemetry.QueueDepth,
            () => Current().Select(r => new Measurement<long>(r.Depth, QueueTag(r))),
            unit: "{message}",
            description: "Approximate number of messages in the queue, as last read (read every minute).");
        meter.CreateObservableGauge(
            ZapiTelemetry.QueueOldestAge,
            () => Current().Select(r => new Measurement<double>(r.OldestAge.TotalSeconds, QueueTag(r))),
            unit: "s",
            description: "Age of the message at the front of the queue (0 when empty), as last read (read every minute).");
    }

    /// <summary>The queues read, in this order: deliveries (unless off), errored sends, its poison queue and that one's.</summary>
    public IReadOnlyList<string> Queues { get; }

    /// <summary>The readings published now: one per queue whose last read succeeded and is not stale, in <see cref="Queues"/> order.</summary>
    public IReadOnlyList<QueueBacklog> Current()
    {
        var oldest = _time.GetUtcNow() - _options.StaleAfter;
        lock (_gate)
        {
            return [.. Queues.Where(_readings.ContainsKey).Select(q => _readings[q]).Where(r => r.ReadAt >= oldest)];
        }
    }

    /// <summary>
    /// Reads every queue and replaces the published readings. Storage failures do not throw: the queue's gauges go
    /// empty and the failure is logged; only <paramref name="cancellationToken"/> cancels. Returns the good readings.
    /// </summary>
    public async Task<IReadOnlyList<QueueBacklog>> RefreshAsync(CancellationToken cancellationToken)
    {
        // One listing says which queues exist. Asking a missing queue for its properties answers 404, which the Azure
        // SDK logs as a warning: every minute for a poison queue that was never needed.
        var (existing, listProblem) = await BoundedAsync(ListAsync, cancellationToken);
        var reads = existing is null
            ? [.. Queues.Select(queue => new QueueRead(queue, null, listProblem))]
            : await Task.WhenAll(Queues.Select(queue => existing.Contains(queue)
                ? ReadAsync(queue, cancellationToken)
                : Task.FromResult(new QueueRead(queue, Missing(queue), null))));

        var newlyFailing = new List<QueueRead>();
        var recovered = new List<string>();
        lock (_gate)
        {
            foreach (var read in reads)
            {
                if (read.Reading is { } reading)
                {
                    _readings[read.Queue] = reading;
                    if (_failing.Remove(read.Queue))
                    {
                        recovered.Add(read.Queue);
                    }
                }
                else
                {
                    _readings.Remove(read.Queue);
                    if (_failing.Add(read.Queue))
                    {
                        newlyFailing.Add(read);
                    }
                }
            }
        }

        // One line per distinct reason, naming the queues it hit (storage down fails all three the same way).
        foreach (var failure in newlyFailing.GroupBy(r => r.Problem, StringComparer.Ordinal))
        {
            var queues = string.Join(", ", failure.Select(r => r.Queue));
            LogReadFailed(_logger, queues, failure.Key ?? string.Empty);
        }

        if (recovered.Count > 0)
        {
            var queues = string.Join(", ", recovered);
            LogReadRecovered(_logger, queues);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var reading = string.Join(", ", reads.Select(Describe));
            LogReading(_logger, reading);
        }

        return [.. reads.Where(r => r.Reading is not null).Select(r => r.Reading!)];
    }

    /// <summary>The names of the monitored queues that exist, from one listing by their common prefix.</summary>
    private async Task<HashSet<string>> ListAsync(CancellationToken cancellationToken)
    {
        var prefix = Queues.Aggregate((a, b) => a[..a.Zip(b).TakeWhile(p => p.First == p.Second).Count()]);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var queue in _service.GetQueuesAsync(prefix: prefix.Length > 0 ? prefix : null, cancellationToken: cancellationToken))
        {
            existing.Add(queue.Name);
        }

        existing.IntersectWith(Queues);
        return existing;
    }

    private async Task<QueueRead> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var (reading, problem) = await BoundedAsync(async bounded =>
        {
            var queue = _service.GetQueueClient(name);
            try
            {
                var depth = (await queue.GetPropertiesAsync(bounded)).Value.ApproximateMessagesCount;
                // Storage's count is never lower than the actual number, so an empty queue has no front to peek: one
                // call less per empty queue per reading (and, for Azurite, one scan less of every message it holds).
                PeekedMessage[] front = depth == 0 ? [] : (await queue.PeekMessagesAsync(1, bounded)).Value;
                var now = _time.GetUtcNow();
                var age = front is [{ InsertedOn: { } inserted }, ..] && now > inserted ? now - inserted : TimeSpan.Zero;
                return new QueueBacklog(name, depth, age, now, Exists: true);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return Missing(name); // Deleted since the listing.
            }
        }, cancellationToken);
        return new QueueRead(name, reading, problem);
    }

    /// <summary>
    /// Runs one storage read bounded by <see cref="BacklogMonitorOptions.ReadTimeout"/>: its value, or why it failed
    /// (one line). Only <paramref name="cancellationToken"/> throws.
    /// </summary>
    private async Task<(T? Value, string? Problem)> BoundedAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadTimeout);
        try
        {
            return (await read(timeout.Token), null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"storage did not answer within {_options.ReadTimeout.TotalSeconds:0.#} s"));
        }
#pragma warning disable CA1031 // Any failure to read a queue is reported (once) and empties its gauges; it must not stop the caller.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return (null, StorageFailure.Describe(ex));
        }
    }

    private QueueBacklog Missing(string name) => new(name, 0, TimeSpan.Zero, _time.GetUtcNow(), Exists: false);

    private static KeyValuePair<string, object?> QueueTag(QueueBacklog reading) => new(ZapiTelemetry.QueueTag, reading.Queue);

    private static string Describe(QueueRead read) => read.Reading switch
    {
        null => $"{read.Queue} unreadable",
        { Exists: false } => $"{read.Queue} 0 (does not exist)",
        { Depth: 0, OldestAge.Ticks: 0 } r => $"{r.Queue} 0",
        var r => string.Create(CultureInfo.InvariantCulture, $"{r.Queue} {r.Depth} (oldest {r.OldestAge.TotalSeconds:0} s)"),
    };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "Could not read the backlog of {Queues} ({Reason}); their queue gauges are empty until a read succeeds")]
    private static partial void LogReadFailed(ILogger logger, string queues, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "The backlog of {Queues} can be read again")]
    private static partial void LogReadRecovered(ILogger logger, string queues);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Queue backlog: {Reading}")]
    private static partial void LogReading(ILogger logger, string reading);

    private sealed record QueueRead(string Queue, QueueBacklog? Reading, string? Problem);
}
