namespace ZapiFunctions.Core.Fallback;

/// <summary>A number of messages of one queue: held (a count) or moved (a drain).</summary>
public sealed record QueueCount(string Queue, long Messages);
