using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Operations;

/// <summary>A message in the poison queue, decoded when it is an envelope.</summary>
/// <param name="MessageId">The queue message id (what <c>zapi poison replay --id</c> takes).</param>
/// <param name="InsertedOn">When it entered the poison queue.</param>
/// <param name="Body">The message text.</param>
/// <param name="Envelope">The envelope, when the body is one.</param>
/// <param name="Problem">Why the body is not a readable envelope, when it is not.</param>
public sealed record PoisonMessage(
    string MessageId, DateTimeOffset? InsertedOn, string Body, CallbackEnvelope? Envelope, string? Problem);
