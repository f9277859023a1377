namespace ZapiFunctions.Core.Queueing;

/// <summary>A queue message that can never be processed: retrying will not help, so it should end in poison.</summary>
public sealed class InvalidEnvelopeException : Exception
{
    public InvalidEnvelopeException()
    {
    }

    public InvalidEnvelopeException(string message)
        : base(message)
    {
    }

    public InvalidEnvelopeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
