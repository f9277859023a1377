namespace ZapiFunctions.Operations.ZapiApi;

/// <summary>A Z-API call failed; the message says what happened and how to fix it, and never contains a token.</summary>
public sealed class ZapiApiException : Exception
{
    public ZapiApiException()
    {
    }

    public ZapiApiException(string message)
        : base(message)
    {
    }

    public ZapiApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status Z-API answered, if it answered.</summary>
    public int? Status { get; init; }
}
