using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// What both hosts run for one message of the errored-sends poison queue (the DeadLetter function, the DevHost's
/// listener): keep it in the dead-letters table and let the trigger delete it, so nothing waits in a queue that
/// expires messages after 7 days. Any body is kept, an envelope or not. If the table cannot be written the trigger
/// retries, as for any failing function.
/// </summary>
public sealed partial class DeadLetterHandler
{
    private readonly DeadLetterStore _store;
    private readonly string _sourceQueue;
    private readonly TimeProvider _time;
    private readonly ILogger<DeadLetterHandler> _logger;
    private readonly Counter<long> _deadLetters;

    public DeadLetterHandler(
        DeadLetterStore store, IOptions<ZapiOptions> options, TimeProvider time, IMeterFactory meters, ILogger<DeadLetterHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _sourceQueue = options.Value.ErroredSendsQueue;
        _time = time;
        _logger = logger;
        _deadLetters = meters.Create(ZapiTelemetry.Name).CreateCounter<long>(
            ZapiTelemetry.DeadLetters, unit: "{message}", description: "Errored-send messages that failed every try, kept in the dead-letters table.");
    }

    /// <summary>The poison queue this handler empties.</summary>
    public string PoisonQueueName => PoisonQueues.For(_sourceQueue);

    /// <summary>
    /// Keeps poison message <paramref name="poisonMessageId"/>; <paramref name="insertedOn"/> (when the runtime moved it
    /// to the poison queue) becomes its dead-lettered time, else now.
    /// </summary>
    public async Task<DeadLetterEntity> HandleAsync(
        string poisonMessageId, BinaryData body, DateTimeOffset? insertedOn, CancellationToken cancellationToken)
    {
        TelemetryBudget.Keep(Activity.Current); // a dead letter is never routine: its invocation is exported
        var row = await _store.WriteAsync(_sourceQueue, poisonMessageId, body, insertedOn ?? _time.GetUtcNow(), cancellationToken);
        var readable = row.MessageId.Length > 0;
        _deadLetters.Add(1, new(ZapiTelemetry.QueueTag, _sourceQueue), new("readable", readable));
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LogKept(_logger, LogText.Safe(readable ? row.MessageId : "(not an envelope)"), LogText.Safe(row.InstanceId), _sourceQueue, _store.TableName, poisonMessageId);
        }

        return row;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Errored send {MessageId} on instance {InstanceId} failed every try on {Queue}: kept in table {Table} as dead letter {DeadLetterId}; its errors are the 'failed try' lines (EventId 3003) for it; 'zapi poison replay' sends it back")]
    private static partial void LogKept(ILogger logger, string messageId, string instanceId, string queue, string table, string deadLetterId);
}
