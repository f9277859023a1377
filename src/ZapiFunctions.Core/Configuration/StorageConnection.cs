using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// How to reach the storage account, read from the <c>AzureWebJobsStorage</c> setting exactly as the Functions
/// host reads it: a connection string (<c>UseDevelopmentStorage=true</c> locally), or identity-based
/// <c>AzureWebJobsStorage__accountName</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The setting (and configuration section) name shared with the Functions host.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    private readonly IConfigurationSection _section;

    private StorageConnection(IConfigurationSection section, string? connectionString)
    {
        _section = section;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string, when the setting is one; otherwise identity-based.</summary>
    public string? ConnectionString { get; }

    /// <summary>Reads the setting; throws with the fix when it is absent or incomplete.</summary>
    public static StorageConnection From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SettingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new StorageConnection(section, section.Value);
        }

        if (string.IsNullOrWhiteSpace(section["accountName"]) && string.IsNullOrWhiteSpace(section["queueServiceUri"]))
        {
            throw new InvalidOperationException(
                $"Storage is not configured. Set {SettingName} to a connection string (locally: UseDevelopmentStorage=true), " +
                $"or set {SettingName}__accountName (or {SettingName}__queueServiceUri and {SettingName}__tableServiceUri) " +
                "for identity-based access.");
        }

        return new StorageConnection(section, null);
    }

    /// <summary>The service endpoint for <paramref name="service"/> ("queue", "table", "blob").</summary>
    public Uri ServiceUri(string service)
    {
        var explicitUri = _section[$"{service}ServiceUri"];
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            return new Uri(explicitUri, UriKind.Absolute);
        }

        var account = _section["accountName"];
        if (string.IsNullOrWhiteSpace(account))
        {
            throw new InvalidOperationException(
                $"Set {SettingName}__accountName or {SettingName}__{service}ServiceUri for identity-based {service} access.");
        }

        return new Uri($"https://{account}.{service}.core.windows.net", UriKind.Absolute);
    }

    /// <summary>The credential for identity-based access: the app's managed identity in Azure, the developer's locally.</summary>
    public TokenCredential Credential()
    {
        var clientId = _section["clientId"];
        if (string.Equals(_section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
        });
    }
}
