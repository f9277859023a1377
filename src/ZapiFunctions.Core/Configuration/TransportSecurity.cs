namespace ZapiFunctions.Core.Configuration;

/// <summary>Who refuses plain HTTP.</summary>
public enum TransportSecurity
{
    /// <summary>The handler refuses plain HTTP from non-loopback callers when <c>Zapi:RequireHttps</c> is true.</summary>
    Application,

    /// <summary>
    /// The platform does (Azure Functions with <c>httpsOnly</c>): it terminates TLS in front of the app, and the
    /// scheme the app sees cannot be relied on to be the client's, so the handler must not judge it.
    /// </summary>
    Platform,
}
