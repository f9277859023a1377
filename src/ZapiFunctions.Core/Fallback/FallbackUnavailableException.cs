namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// Neither the primary storage nor <c>ZapiFallbackStorage</c> took a message: the caller must not acknowledge it.
/// The message is one line naming both reasons; <see cref="Exception.InnerException"/> holds both failures.
/// </summary>
public sealed class FallbackUnavailableException : Exception
{
    public FallbackUnavailableException()
    {
    }

    public FallbackUnavailableException(string message)
        : base(message)
    {
    }

    public FallbackUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
