namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// A message was copied back to the main queue but could not be deleted from the poison queue: it will show up in
/// both (a duplicate, which processing tolerates), and nothing is lost.
/// </summary>
public sealed class ReplayInterruptedException : Exception
{
    public ReplayInterruptedException()
    {
    }

    public ReplayInterruptedException(string message)
        : base(message)
    {
    }

    public ReplayInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
