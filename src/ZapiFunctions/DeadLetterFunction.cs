using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions;

/// <summary>
/// Empties the errored-sends poison queue into the dead-letters table, the runtime's pattern for poison messages: a
/// queue trigger on the poison queue. The table keeps what the poison queue would expire after 7 days; returning
/// deletes the message. Should the table be down for every try, the runtime moves the message on to
/// <c>&lt;queue&gt;-poison-poison</c>, which the backlog gauges and erasure cover like the other queues.
/// </summary>
public sealed class DeadLetterFunction(DeadLetterHandler handler)
{
    /// <summary>
    /// The storage extension resolves every <c>%setting%</c> inside a queue name (the WebJobs name resolver's
    /// <c>ResolveWholeString</c>), so the poison queue is the setting's value plus the runtime's suffix.
    /// </summary>
    [Function("DeadLetter")]
    public Task RunAsync(
        [QueueTrigger("%Zapi:ErroredSendsQueue%" + PoisonQueues.Suffix, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.MessageId, message.Body, message.InsertedOn, cancellationToken);
    }
}
