using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.Tracing;

/// <summary>
/// What happened to one callback, from storage alone: queued (an envelope for it in the deliveries or errored-sends
/// queue), processed (its <c>ZapiErroredSends</c> row), notified (the row's <c>NotifiedAt</c>) and poisoned (failed
/// every try: its dead-letters row, or an envelope for it still in the poison queue). A callback is found by its <c>messageId</c> or its <c>zaapId</c> (some senders send only
/// the latter, and the ledger keys a row by <c>messageId</c>, else <c>zaapId</c>), or by the <c>customId</c> the team set
/// on the send. Queues are peeked, not received, so the lookup changes nothing; a peek sees only the first
/// <see cref="PeekLimit"/> visible messages (one being processed or waiting for a retry is invisible).
/// </summary>
public sealed class CallbackTrace(
    QueueClient? deliveries, QueueClient erroredSends, QueueClient poison, TableClient table, DeadLetterStore deadLetters)
{
    // No deliveries queue when it is off (Zapi__DeliveriesQueue empty): delivered callbacks are not kept.
    private readonly QueueClient[] _queues = deliveries is null ? [erroredSends] : [deliveries, erroredSends];

    /// <summary>The most messages one peek returns (a Storage limit).</summary>
    public const int PeekLimit = 32;

    /// <summary>
    /// Finds every trace of <paramref name="messageId"/> (Z-API's <c>messageId</c>, or its <c>zaapId</c>), only for
    /// <paramref name="instanceId"/> when given (<see cref="TableKeys.NoInstance"/>: callbacks that named no instance).
    /// </summary>
    public async Task<CallbackTraceResult> FindAsync(string messageId, string? instanceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        instanceId = string.IsNullOrWhiteSpace(instanceId) ? null : instanceId;
        var steps = new List<TraceStep>();
        var missing = new List<TraceMiss>();
        var warnings = new List<string>();

        var queued = new List<QueuedStep>();
        foreach (var queue in _queues)
        {
            queued.AddRange((await PeekAsync(queue, e => IsFor(e, messageId, instanceId), warnings, cancellationToken))
                .Select(m => new QueuedStep(m.Envelope.ReceivedAt, queue.Name, m.MessageId, m.InsertedOn, m.Envelope)));
        }

        steps.AddRange(queued);

        // A delivered callback (no error) is only queued for consumers: it is never recorded, notified or poisoned.
        var deliveredOnly = queued.Count > 0 && queued.All(q => q.Queue == deliveries?.Name && q.Field("error") is null);
        var rows = await RowsAsync(ById(messageId), instanceId, cancellationToken);
        if (queued.Count == 0)
        {
            missing.Add(new TraceMiss(TraceStages.Queued, rows.Count > 0
                ? $"not among the first {PeekLimit} visible messages of {Names()}: processing takes a message off its queue"
                : $"no envelope for it among the first {PeekLimit} visible messages of {Names()}"));
        }

        steps.AddRange(rows.Select(row => new ProcessedStep(row)));
        if (rows.Count == 0)
        {
            missing.Add(new TraceMiss(TraceStages.Processed, deliveredOnly
                ? $"no row for it in {table.Name}: it was delivered, and only failed sends are recorded"
                : $"no row for it in {table.Name}"));
        }

        steps.AddRange(rows.Where(r => r.NotifiedAt is not null).Select(r => new NotifiedStep(r, r.NotifiedAt!.Value)));
        if (!rows.Any(r => r.NotifiedAt is not null))
        {
            missing.Add(new TraceMiss(TraceStages.Notified, rows.Count == 0
                ? "nothing was recorded, so nothing was notified"
                : $"its {table.Name} row has no NotifiedAt: notifications are off (Zapi__NotifyUrl), or the endpoint has not accepted one yet"));
        }

        List<PoisonedStep> poisoned = [.. (await PeekAsync(poison, e => IsFor(e, messageId, instanceId), warnings, cancellationToken))
            .Select(m => new PoisonedStep(m.InsertedOn ?? m.Envelope.ReceivedAt, poison.Name, m.MessageId, m.InsertedOn, m.Envelope))];
        poisoned.AddRange((await deadLetters.ListAsync(erroredSends.Name, cancellationToken))
            .Select(row => (Row: row, Envelope: Read(row.Envelope)))
            .Where(r => r.Envelope is not null && IsFor(r.Envelope, messageId, instanceId))
            .Select(r => new PoisonedStep(r.Row.DeadLetteredAt, deadLetters.TableName, r.Row.RowKey, r.Row.DeadLetteredAt, r.Envelope!) { Kept = true }));
        steps.AddRange(poisoned);
        if (poisoned.Count == 0)
        {
            missing.Add(new TraceMiss(TraceStages.Poisoned,
                $"no row for it in {deadLetters.TableName}, and no message for it among the first {PeekLimit} visible messages of {poison.Name}"));
        }

        return new CallbackTraceResult(
            messageId, instanceId, [.. steps.OrderBy(s => s.At).ThenBy(s => TraceStages.Order(s.Stage))], missing, warnings);
    }

    /// <summary>
    /// Finds the callbacks whose <c>customId</c> is <paramref name="customId"/> (errored-send rows with that
    /// <c>CustomId</c>, and envelopes in the queues whose callback has it), only for <paramref name="instanceId"/> when
    /// given, then traces each as <see cref="FindAsync"/> does, oldest first.
    /// </summary>
    public async Task<CustomIdTraceResult> FindByCustomIdAsync(string customId, string? instanceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customId);
        instanceId = string.IsNullOrWhiteSpace(instanceId) ? null : instanceId;
        var warnings = new List<string>();

        // One trace per message: its id and the instance it was found under, so a message id another instance shares
        // is left out.
        var messages = new List<(string Id, string Instance)>();
        void Add(string? id, string? instance)
        {
            if (!string.IsNullOrEmpty(id) && !messages.Contains((id, instance ?? TableKeys.NoInstance)))
            {
                messages.Add((id, instance ?? TableKeys.NoInstance));
            }
        }

        foreach (var row in await RowsAsync(TableClient.CreateQueryFilter($"CustomId eq {customId}"), instanceId, cancellationToken))
        {
            Add(string.IsNullOrEmpty(row.MessageId) ? row.ZaapId : row.MessageId, string.IsNullOrEmpty(row.InstanceId) ? null : row.InstanceId);
        }

        foreach (var queue in _queues.Append(poison))
        {
            foreach (var peeked in await PeekAsync(queue, e => EnvelopeFields.Text(e, "customId") == customId && InInstance(e, instanceId), warnings, cancellationToken))
            {
                Add(IdOf(peeked.Envelope), InstanceOf(peeked.Envelope));
            }
        }

        var traces = new List<CallbackTraceResult>();
        foreach (var (id, instance) in messages)
        {
            var trace = await FindAsync(id, instance, cancellationToken);
            traces.Add(trace);
            warnings.AddRange(trace.Warnings);
        }

        return new CustomIdTraceResult(
            customId,
            instanceId,
            [.. traces.OrderBy(t => t.Steps.Count == 0 ? DateTimeOffset.MaxValue : t.Steps.Min(s => s.At))],
            [.. warnings.Distinct(StringComparer.Ordinal)],
            $"no row with CustomId {customId} in {table.Name}, and no envelope with it among the first {PeekLimit} visible messages of {string.Join(", ", _queues.Append(poison).Select(q => q.Name))}");
    }

    /// <summary>
    /// The callback's id as the ledger keys it: <c>messageId</c>, else <c>zaapId</c>; null when it has neither (it
    /// could not be processed).
    /// </summary>
    public static string? IdOf(CallbackEnvelope envelope) => NonEmpty(EnvelopeFields.Text(envelope, "messageId")) ?? NonEmpty(EnvelopeFields.Text(envelope, "zaapId"));

    /// <summary>The callback's instance: its <c>instanceId</c>, else the per-instance URL's; null when neither names one.</summary>
    public static string? InstanceOf(CallbackEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return NonEmpty(EnvelopeFields.Text(envelope, "instanceId")) ?? NonEmpty(envelope.PathInstanceId);
    }

    private static bool InInstance(CallbackEnvelope envelope, string? instanceId) =>
        instanceId is null || (InstanceOf(envelope) ?? TableKeys.NoInstance) == instanceId;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private string Names() => string.Join(" and ", _queues.Select(q => q.Name));

    /// <summary>The envelope is for <paramref name="id"/> (its messageId or its zaapId), in <paramref name="instanceId"/> if given.</summary>
    private static bool IsFor(CallbackEnvelope envelope, string id, string? instanceId) =>
        (EnvelopeFields.Text(envelope, "messageId") == id || EnvelopeFields.Text(envelope, "zaapId") == id) && InInstance(envelope, instanceId);

    private static async Task<List<PeekedEnvelope>> PeekAsync(
        QueueClient queue, Func<CallbackEnvelope, bool> matches, List<string> warnings, CancellationToken cancellationToken)
    {
        Azure.Storage.Queues.Models.PeekedMessage[] messages;
        try
        {
            messages = (await queue.PeekMessagesAsync(PeekLimit, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // The queue does not exist yet: nothing was ever queued there.
        }
        catch (FormatException)
        {
            // The client decodes Base64 (what the app writes) and refuses the whole peek if one message is not.
            warnings.Add($"{queue.Name} was not searched: one of its first {PeekLimit} messages is not Base64, so none could be read");
            return [];
        }

        var found = new List<PeekedEnvelope>();
        foreach (var message in messages)
        {
            CallbackEnvelope envelope;
            try
            {
                envelope = EnvelopeReader.Read(message.Body);
            }
            catch (InvalidEnvelopeException)
            {
                continue; // Not an envelope: it cannot be this callback ('zapi poison peek' shows such messages).
            }

            if (matches(envelope))
            {
                found.Add(new PeekedEnvelope(message.MessageId, message.InsertedOn, envelope));
            }
        }

        return found;
    }

    /// <summary>
    /// Rows for <paramref name="id"/>: the row it keys (a row's key is <c>messageId</c>, else <c>zaapId</c>), or one whose
    /// <c>ZaapId</c> it is, for a team that kept only Z-API's <c>zaapId</c> of a send.
    /// </summary>
    private static string ById(string id) =>
        TableClient.CreateQueryFilter($"RowKey eq {TableKeys.Encode(id)} or ZaapId eq {id}");

    private async Task<IReadOnlyList<ErroredSendEntity>> RowsAsync(string filter, string? instanceId, CancellationToken cancellationToken)
    {
        if (instanceId is not null)
        {
            filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(instanceId)}")} and ({filter})";
        }

        var rows = new List<ErroredSendEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<ErroredSendEntity>(filter, cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // No table yet: nothing has failed.
        }

        return rows;
    }

    /// <summary>The envelope a dead-letters row keeps, or null when its body is not one.</summary>
    private static CallbackEnvelope? Read(string body)
    {
        try
        {
            return EnvelopeReader.Read(BinaryData.FromString(body));
        }
        catch (InvalidEnvelopeException)
        {
            return null;
        }
    }

    private sealed record PeekedEnvelope(string MessageId, DateTimeOffset? InsertedOn, CallbackEnvelope Envelope);
}

/// <summary>The stages of a trace, in their natural order.</summary>
public static class TraceStages
{
    /// <summary>Accepted by the webhook and waiting in the deliveries or errored-sends queue.</summary>
    public const string Queued = "queued";

    /// <summary>Recorded in the errored-sends table by the ErroredSend function.</summary>
    public const string Processed = "processed";

    /// <summary>The team's notify endpoint accepted the notification.</summary>
    public const string Notified = "notified";

    /// <summary>Failed every try: in the dead-letters table, or still in the poison queue.</summary>
    public const string Poisoned = "poisoned";

    private static readonly string[] InOrder = [Queued, Processed, Notified, Poisoned];

    /// <summary>All stages, in order.</summary>
    public static IReadOnlyList<string> All => InOrder;

    /// <summary>The position of <paramref name="stage"/> in <see cref="All"/>.</summary>
    public static int Order(string stage) => Array.IndexOf(InOrder, stage);
}

/// <summary>Everything found about one callback.</summary>
/// <param name="MessageId">The id looked up: a <c>messageId</c>, or a <c>zaapId</c>.</param>
/// <param name="InstanceId">The instance it was limited to, if any.</param>
/// <param name="Steps">What was found, in time order.</param>
/// <param name="Missing">The stages with nothing found, each with what was looked at.</param>
/// <param name="Warnings">Places that could not be searched, one line each.</param>
public sealed record CallbackTraceResult(
    string MessageId, string? InstanceId, IReadOnlyList<TraceStep> Steps, IReadOnlyList<TraceMiss> Missing, IReadOnlyList<string> Warnings)
{
    /// <summary>True when any stage was found.</summary>
    public bool Found => Steps.Count > 0;
}

/// <summary>Everything found about the callbacks of one <c>customId</c>.</summary>
/// <param name="CustomId">The customId looked up.</param>
/// <param name="InstanceId">The instance it was limited to, if any.</param>
/// <param name="Messages">One trace per message found with it, oldest first.</param>
/// <param name="Warnings">Places that could not be searched, one line each.</param>
/// <param name="NotFound">Where the lookup looked, for when it found nothing.</param>
public sealed record CustomIdTraceResult(
    string CustomId, string? InstanceId, IReadOnlyList<CallbackTraceResult> Messages, IReadOnlyList<string> Warnings, string NotFound)
{
    /// <summary>True when any message was found.</summary>
    public bool Found => Messages.Count > 0;
}

/// <summary>A stage with nothing found, and where the lookup looked.</summary>
public sealed record TraceMiss(string Stage, string Reason);

/// <summary>One thing found about a callback, at the time it happened.</summary>
public abstract record TraceStep(string Stage, DateTimeOffset At);

/// <summary>An envelope for the callback in a queue.</summary>
/// <param name="Stage">The stage this message shows.</param>
/// <param name="At">When it happened.</param>
/// <param name="Queue">The queue holding it.</param>
/// <param name="QueueMessageId">The queue message's id (what <c>zapi poison replay --id</c> takes).</param>
/// <param name="InsertedOn">When the message entered that queue.</param>
/// <param name="Envelope">The envelope: received-at, request id and the callback as received.</param>
public abstract record QueueMessageStep(
    string Stage, DateTimeOffset At, string Queue, string QueueMessageId, DateTimeOffset? InsertedOn, CallbackEnvelope Envelope)
    : TraceStep(Stage, At)
{
    /// <summary>A text field of the callback (<c>phone</c>, <c>instanceId</c>, <c>error</c>…), or null.</summary>
    public string? Field(string name) => EnvelopeFields.Text(Envelope, name);

    /// <summary>The callback's instance: its <c>instanceId</c>, else the per-instance URL's; null when neither names one.</summary>
    public string? Instance => CallbackTrace.InstanceOf(Envelope);
}

/// <summary>Waiting in the deliveries or errored-sends queue; <see cref="TraceStep.At"/> is when the webhook received it.</summary>
public sealed record QueuedStep(DateTimeOffset At, string Queue, string QueueMessageId, DateTimeOffset? InsertedOn, CallbackEnvelope Envelope)
    : QueueMessageStep(TraceStages.Queued, At, Queue, QueueMessageId, InsertedOn, Envelope);

/// <summary>
/// Failed every try: kept in the dead-letters table (<see cref="Kept"/>; <c>Queue</c> is then the table and
/// <c>QueueMessageId</c> the row's id, what <c>zapi poison replay --id</c> takes), or still in the poison queue, waiting
/// for the DeadLetter function. <see cref="TraceStep.At"/> is when it was moved there.
/// </summary>
public sealed record PoisonedStep(DateTimeOffset At, string Queue, string QueueMessageId, DateTimeOffset? InsertedOn, CallbackEnvelope Envelope)
    : QueueMessageStep(TraceStages.Poisoned, At, Queue, QueueMessageId, InsertedOn, Envelope)
{
    /// <summary>In the dead-letters table rather than the poison queue.</summary>
    public bool Kept { get; init; }
}

/// <summary>Recorded in the errored-sends table; <see cref="TraceStep.At"/> is its first occurrence.</summary>
public sealed record ProcessedStep(ErroredSendEntity Row) : TraceStep(TraceStages.Processed, Row.FirstSeen);

/// <summary>The notify endpoint accepted the notification at <see cref="TraceStep.At"/>.</summary>
public sealed record NotifiedStep(ErroredSendEntity Row, DateTimeOffset NotifiedAt) : TraceStep(TraceStages.Notified, NotifiedAt);
