namespace ZapiFunctions.Core.Configuration;

/// <summary>Who refuses plain HTTP.</summary>
public enum TransportSecurity
{
    /// <summary>
    /// The handler refuses plain HTTP from non-loopback callers (the DevHost, unless <c>DevHost:RequireHttps</c> is
    /// false): Z-API only calls HTTPS URLs, so a plain-HTTP request that is not local is not Z-API.
    /// </summary>
    Application,

    /// <summary>
    /// The platform does (Azure Functions with <c>httpsOnly</c>): it terminates TLS in front of the app, and the
    /// scheme the app sees cannot be relied on to be the client's, so the handler must not judge it.
    /// </summary>
    Platform,

    /// <summary>Nobody: plain HTTP is accepted from any address. Local development only (<c>--DevHost:RequireHttps=false</c>).</summary>
    Unchecked,
}
