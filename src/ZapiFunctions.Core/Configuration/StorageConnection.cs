using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// How to reach the storage account, read from the <c>AzureWebJobsStorage</c> setting exactly as the Functions
/// host reads it: a connection string (<c>UseDevelopmentStorage=true</c> locally), or identity-based
/// <c>AzureWebJobsStorage__accountName</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity.
/// </summary>
public sealed partial class StorageConnection
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

    /// <summary>Reads the setting; throws <see cref="InvalidSettingsException"/> with the fix when it is absent or invalid.</summary>
    public static StorageConnection From(IConfiguration configuration)
    {
        var problems = Problems(configuration);
        if (problems.Count > 0)
        {
            throw new InvalidSettingsException(problems.Select(p => p.Message).ToList());
        }

        var section = configuration.GetSection(SettingName);
        return new StorageConnection(section, string.IsNullOrWhiteSpace(section.Value) ? null : section.Value);
    }

    /// <summary>
    /// What is wrong with <c>AzureWebJobsStorage</c>, one line each, without ever repeating a connection string
    /// (it may hold an account key).
    /// </summary>
    public static IReadOnlyList<SettingProblem> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SettingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return IsUsableConnectionString(section.Value)
                ? []
                : [new SettingProblem(SettingName,
                    $"{SettingName} is not a usable storage connection string (value not shown: it may hold a key): use " +
                    "UseDevelopmentStorage=true locally, or DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net, " +
                    $"or identity-based {SettingName}__accountName instead.")];
        }

        var account = section["accountName"];
        if (string.IsNullOrWhiteSpace(account) && string.IsNullOrWhiteSpace(section["queueServiceUri"]))
        {
            return [new SettingProblem(SettingName,
                $"{SettingName} is not set: set it to a storage connection string (locally: UseDevelopmentStorage=true), " +
                $"or set {SettingName}__accountName (or {SettingName}__queueServiceUri and {SettingName}__tableServiceUri) for identity-based access.")];
        }

        var problems = new List<SettingProblem>();
        if (!string.IsNullOrWhiteSpace(account) && !AccountNamePattern().IsMatch(account))
        {
            problems.Add(new SettingProblem($"{SettingName}__accountName",
                $"{SettingName}__accountName ('{account}') is not a storage account name: use 3-24 lowercase letters and digits."));
        }

        foreach (var service in new[] { "queue", "table", "blob" })
        {
            var uri = section[$"{service}ServiceUri"];
            if (!string.IsNullOrWhiteSpace(uri)
                && !(Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))))
            {
                problems.Add(new SettingProblem($"{SettingName}__{service}ServiceUri",
                    $"{SettingName}__{service}ServiceUri ('{uri}') is not an https:// URL: use the account's {service} endpoint, such as https://<account>.{service}.core.windows.net."));
            }
        }

        return problems;
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
            throw new InvalidSettingsException(
                $"{SettingName}__{service}ServiceUri is not set: set it, or {SettingName}__accountName, for identity-based {service} access.");
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

    /// <summary>Whether the SDK clients accept the connection string (parsing only; nothing is sent).</summary>
    private static bool IsUsableConnectionString(string connectionString)
    {
        try
        {
            _ = new QueueServiceClient(connectionString);
            _ = new TableServiceClient(connectionString);
            return true;
        }
#pragma warning disable CA1031 // The SDKs throw FormatException, ArgumentException or InvalidOperationException for bad strings.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountNamePattern();
}
