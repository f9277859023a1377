namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// Where the Functions queue trigger moves a message that failed every try: the queue's name with
/// <see cref="Suffix"/> (the WebJobs storage extension's fixed rule, which the DevHost follows too).
/// </summary>
public static class PoisonQueues
{
    /// <summary>The suffix the runtime adds; a binding attribute needs it as a constant.</summary>
    public const string Suffix = "-poison";

    /// <summary>The poison queue of <paramref name="queue"/>.</summary>
    public static string For(string queue) => queue + Suffix;

    /// <summary>
    /// Where a failed message of <paramref name="queue"/> can wait: its poison queue, and that queue's own poison
    /// queue, where the runtime moves a message the DeadLetter function failed to keep on every try.
    /// </summary>
    public static IReadOnlyList<string> Chain(string queue) => [For(queue), For(For(queue))];
}
