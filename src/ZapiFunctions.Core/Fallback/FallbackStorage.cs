using Microsoft.Extensions.Configuration;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// The optional second storage account that takes a callback when the primary (<c>AzureWebJobsStorage</c>) cannot:
/// the setting <c>ZapiFallbackStorage</c>, shaped like <c>AzureWebJobsStorage</c> (a connection string, or
/// identity-based <c>ZapiFallbackStorage__accountName</c> / <c>__queueServiceUri</c> with
/// <c>__credential=managedidentity</c> and <c>__clientId</c>). Empty or absent: no fallback.
/// </summary>
public static class FallbackStorage
{
    /// <summary>The setting, as users write it (also its configuration section).</summary>
    public const string SettingName = "ZapiFallbackStorage";

    /// <summary>The <c>store</c> tag value and log word for the app's own storage.</summary>
    public const string Primary = "primary";

    /// <summary>The <c>store</c> tag value and log word for <see cref="SettingName"/>.</summary>
    public const string Fallback = "fallback";

    /// <summary>Name of the fallback's queue client (Microsoft.Extensions.Azure named client).</summary>
    public const string QueueClientName = "zapi-fallback";

    /// <summary>Key of the undecorated (primary-only) <see cref="Queueing.IQueueWriter"/> in DI.</summary>
    public const string PrimaryWriterKey = "zapi-primary";

    /// <summary>Key of the fallback account's <see cref="Queueing.IQueueWriter"/> in DI (only resolvable when configured).</summary>
    public const string FallbackWriterKey = "zapi-fallback";

    /// <summary>Whether a fallback is configured: anything set under <see cref="SettingName"/>.</summary>
    public static bool IsConfigured(IConfiguration configuration) => StorageConnection.IsSet(configuration, SettingName);

    /// <summary>
    /// What is wrong with <see cref="SettingName"/>, one line each, never repeating a connection string: nothing when it
    /// is absent; its own problems when set; and a fallback that is the primary's own queue endpoint, which would take
    /// nothing the primary cannot (and which a drain would move in circles).
    /// </summary>
    public static IReadOnlyList<SettingProblem> Problems(IConfiguration configuration)
    {
        var problems = StorageConnection.Problems(configuration, SettingName, optional: true);
        if (problems.Count > 0 || !IsConfigured(configuration) || StorageConnection.Problems(configuration).Count > 0)
        {
            return problems;
        }

        var fallback = StorageConnection.From(configuration, SettingName).QueueEndpoint();
        var primary = StorageConnection.From(configuration).QueueEndpoint();
        return SameEndpoint(fallback, primary)
            ? [new SettingProblem(SettingName,
                $"{SettingName} names the same queue endpoint as {StorageConnection.SettingName}: use a second storage account " +
                $"(ideally in another region), or leave {SettingName} empty for no fallback.")]
            : [];
    }

    private static bool SameEndpoint(Uri a, Uri b) => string.Equals(
        a.GetLeftPart(UriPartial.Path).TrimEnd('/'), b.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
