using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions;

/// <summary>
/// Consumes the errored-sends queue. Throwing lets the runtime retry; after host.json's <c>maxDequeueCount</c> it
/// moves the message to <c>&lt;queue&gt;-poison</c>, which <see cref="DeadLetterFunction"/> empties into the
/// dead-letters table.
/// </summary>
public sealed class ErroredSendFunction(ErroredSendProcessor processor)
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
        return processor.ProcessAsync(message.Body, message.DequeueCount, cancellationToken);
    }
}
