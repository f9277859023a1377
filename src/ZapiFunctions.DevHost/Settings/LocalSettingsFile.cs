using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// Reads the <c>Values</c> of a Functions <c>local.settings.json</c> as configuration, with <c>__</c> turned into
/// <c>:</c> as the Functions host does, so one file configures both <c>func start</c> and the DevHost.
/// </summary>
internal static class LocalSettingsFile
{
    public static IConfigurationBuilder AddLocalSettingsFile(this IConfigurationBuilder builder, string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{path} has no \"Values\" object (the local.settings.json format).");
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
