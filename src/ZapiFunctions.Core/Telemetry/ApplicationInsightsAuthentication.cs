using Azure.Core;
using Azure.Identity;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// How the exporter signs in to Application Insights, from <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (the
/// setting the Functions host reads too): <c>ClientId=&lt;id&gt;;Authorization=AAD</c> is the app's user-assigned managed
/// identity (what the Bicep writes), <c>Authorization=AAD</c> alone is whoever is signed in on this machine
/// (<see cref="DefaultAzureCredential"/>: the DevHost on a laptop), and no setting is the connection string's key.
/// </summary>
/// <param name="Entra">True when the string asks for Entra ID (<c>Authorization=AAD</c>).</param>
/// <param name="ClientId">The user-assigned identity's client id, or null.</param>
public sealed record ApplicationInsightsAuthentication(bool Entra, string? ClientId)
{
    /// <summary>The setting's name.</summary>
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Reads <c>key=value</c> pairs separated by <c>;</c>, ignoring case of keys and values' surrounding space.</summary>
    public static ApplicationInsightsAuthentication Parse(string? value)
    {
        var entra = false;
        string? clientId = null;
        foreach (var pair in (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, text) = pair.IndexOf('=', StringComparison.Ordinal) is var at and > 0
                ? (pair[..at].Trim(), pair[(at + 1)..].Trim())
                : (pair, string.Empty);
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                entra = text.Equals("AAD", StringComparison.OrdinalIgnoreCase);
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && text.Length > 0)
            {
                clientId = text;
            }
        }

        return new ApplicationInsightsAuthentication(entra, clientId);
    }

    /// <summary>The credential to use, or null for none (the connection string's instrumentation key).</summary>
    public TokenCredential? Credential() => !Entra
        ? null
        : ClientId is { } id
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
            : new DefaultAzureCredential();
}
