using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// How to reach a storage account, read from a storage setting exactly as the Functions host reads
/// <c>AzureWebJobsStorage</c>: a connection string (<c>UseDevelopmentStorage=true</c> locally), or identity-based
/// <c>&lt;setting&gt;__accountName</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with the credential
/// Microsoft.Extensions.Azure builds from the same section (<c>__credential=managedidentity</c> and <c>__clientId</c>
/// for a user-assigned identity), as the host's own storage clients do. Named options, one per setting
/// (<see cref="SettingName"/>, the fallback's <c>ZapiFallbackStorage</c>), so each is read and checked once, at
/// start-up (see <see cref="StorageServiceCollectionExtensions.AddZapiStorage"/>).
/// </summary>
public sealed partial class StorageConnection
{
    /// <summary>The setting (and configuration section) name shared with the Functions host.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    private IConfigurationSection? _section;

    /// <summary>The setting's section; set when the options are configured.</summary>
    internal IConfigurationSection Section =>
        _section ?? throw new InvalidOperationException("The storage setting was not read: resolve StorageConnection through IOptionsMonitor.");

    /// <summary>The connection string, when the setting is one; otherwise identity-based.</summary>
    public string? ConnectionString => string.IsNullOrWhiteSpace(Section.Value) ? null : Section.Value;

    /// <summary>Reads the setting <paramref name="settingName"/> as it is; <see cref="Problems"/> says whether it is usable.</summary>
    public static StorageConnection From(IConfiguration configuration, string settingName = SettingName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = new StorageConnection();
        connection.Read(configuration.GetSection(settingName));
        return connection;
    }

    /// <summary>Points these options at <paramref name="section"/> (the options' configure step).</summary>
    internal void Read(IConfigurationSection section) => _section = section;

    /// <summary>Whether anything is set under <paramref name="settingName"/>: the value itself or any <c>__</c> part of it.</summary>
    public static bool IsSet(IConfiguration configuration, string settingName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(settingName);
        return !string.IsNullOrWhiteSpace(section.Value)
            || section.AsEnumerable(makePathsRelative: true).Any(p => !string.IsNullOrWhiteSpace(p.Value));
    }

    /// <summary>
    /// What is wrong with the setting <paramref name="settingName"/> (by default <c>AzureWebJobsStorage</c>), one line
    /// each, without ever repeating a connection string (it may hold an account key). With
    /// <paramref name="optional"/>, a setting left entirely empty is fine (the feature it serves is off), and one
    /// with only some identity parts (a <c>__clientId</c> but no account) is reported as incomplete.
    /// </summary>
    public static IReadOnlyList<SettingProblem> Problems(IConfiguration configuration, string settingName = SettingName, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(settingName);
        var section = configuration.GetSection(settingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return IsUsableConnectionString(section.Value)
                ? []
                : [new SettingProblem(settingName,
                    $"{settingName} is not a usable storage connection string (value not shown: it may hold a key): use " +
                    "UseDevelopmentStorage=true locally, or DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net, " +
                    $"or identity-based {settingName}__accountName instead.")];
        }

        var account = section["accountName"];
        if (string.IsNullOrWhiteSpace(account) && string.IsNullOrWhiteSpace(section["queueServiceUri"]))
        {
            if (optional)
            {
                return IsSet(configuration, settingName)
                    ? [new SettingProblem(settingName,
                        $"{settingName} is incomplete: set {settingName} to a storage connection string, or {settingName}__accountName " +
                        $"(or {settingName}__queueServiceUri) for identity-based access; or remove every {settingName} setting to leave it off.")]
                    : [];
            }

            return [new SettingProblem(settingName,
                $"{settingName} is not set: set it to a storage connection string (locally: UseDevelopmentStorage=true), " +
                $"or set {settingName}__accountName (or {settingName}__queueServiceUri and {settingName}__tableServiceUri) for identity-based access.")];
        }

        var problems = new List<SettingProblem>();
        if (!string.IsNullOrWhiteSpace(account) && !AccountNamePattern().IsMatch(account))
        {
            problems.Add(new SettingProblem($"{settingName}__accountName",
                $"{settingName}__accountName ('{account}') is not a storage account name: use 3-24 lowercase letters and digits."));
        }

        foreach (var service in new[] { "queue", "table", "blob" })
        {
            var uri = section[$"{service}ServiceUri"];
            if (!string.IsNullOrWhiteSpace(uri)
                && !(Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))))
            {
                problems.Add(new SettingProblem($"{settingName}__{service}ServiceUri",
                    $"{settingName}__{service}ServiceUri ('{uri}') is not an https:// URL: use the account's {service} endpoint, such as https://<account>.{service}.core.windows.net."));
            }
        }

        return problems;
    }

    /// <summary>
    /// A queue service client for this account: from the connection string, or the queue endpoint with the credential
    /// <paramref name="components"/> builds from the setting's section (the app-wide default when it names none).
    /// </summary>
    public QueueServiceClient QueueService(QueueClientOptions options, AzureComponentFactory components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return ConnectionString is { } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(ServiceUri("queue"), components.CreateTokenCredential(Section), options);
    }

    /// <summary>A table service client for this account, addressed like <see cref="QueueService"/>.</summary>
    public TableServiceClient TableService(TableClientOptions options, AzureComponentFactory components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return ConnectionString is { } connectionString
            ? new TableServiceClient(connectionString, options)
            : new TableServiceClient(ServiceUri("table"), components.CreateTokenCredential(Section), options);
    }

    /// <summary>The queue endpoint, without a credential or key (to tell two accounts apart).</summary>
    public Uri QueueEndpoint() =>
        ConnectionString is { } connectionString ? new QueueServiceClient(connectionString).Uri : ServiceUri("queue");

    /// <summary>The service endpoint for <paramref name="service"/> ("queue", "table", "blob").</summary>
    public Uri ServiceUri(string service)
    {
        var explicitUri = Section[$"{service}ServiceUri"];
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            return new Uri(explicitUri, UriKind.Absolute);
        }

        var account = Section["accountName"];
        if (string.IsNullOrWhiteSpace(account))
        {
            throw new InvalidSettingsException(
                $"{Section.Path}__{service}ServiceUri is not set: set it, or {Section.Path}__accountName, for identity-based {service} access.");
        }

        return new Uri($"https://{account}.{service}.core.windows.net", UriKind.Absolute);
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
