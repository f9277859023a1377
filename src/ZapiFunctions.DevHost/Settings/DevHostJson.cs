using System.Text.Json;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>Reads the JSON files a user edits (local.settings.json, host.json), as the Functions host does: comments and trailing commas allowed.</summary>
internal static class DevHostJson
{
    /// <summary>The parsed file; a file that is not JSON is one line naming it, the line and how to pick another.</summary>
    public static JsonDocument Read(string path, string option)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidSettingsException($"{path} is not valid JSON (line {ex.LineNumber + 1}): fix it, or give another file with {option}.", ex);
        }
    }
}
