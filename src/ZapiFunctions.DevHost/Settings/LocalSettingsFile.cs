using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// Reads the <c>Values</c> of a Functions <c>local.settings.json</c> as configuration, with <c>__</c> turned into
/// <c>:</c> as the Functions host does, so one file configures both <c>func start</c> and the DevHost.
/// </summary>
internal static class LocalSettingsFile
{
    public static IConfigurationBuilder AddLocalSettingsFile(this IConfigurationBuilder builder, string path)
    {
        using var document = DevHostJson.Read(path, "--DevHost:SettingsFile");
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidSettingsException($"{path} has no \"Values\" object: use the local.settings.json format (see local.settings.sample.json).");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in values.EnumerateObject())
        {
            settings[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
        }

        return builder.AddInMemoryCollection(settings);
    }
}
