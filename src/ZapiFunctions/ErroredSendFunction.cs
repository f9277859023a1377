using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.ErroredSends.DeadLetters;

namespace ZapiFunctions;

/// <summary>
/// Consumes the errored-sends queue. Throwing lets the runtime retry; after host.json's <c>maxDequeueCount</c>
/// it moves the message to <c>&lt;queue&gt;-poison</c>. On that last try the handler first keeps the message in the
/// dead-letters table (<see cref="ErroredSendHandler"/>), which, unlike the poison queue, does not expire it.
/// </summary>
public sealed class ErroredSendFunction(ErroredSendHandler handler, HostQueueSettings queueSettings)
{
    /// <summary>
    /// The queue name comes from the <c>Zapi__ErroredSendsQueue</c> app setting; binding expressions read it in
    /// its configuration form, <c>Zapi:ErroredSendsQueue</c> (a <c>__</c> name does not resolve there).
    /// </summary>
    [Function("ErroredSend")]
    public Task RunAsync(
        [QueueTrigger("%Zapi:ErroredSendsQueue%", Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.MessageId, message.Body, message.DequeueCount, queueSettings.MaxDequeueCount, cancellationToken);
    }
}
