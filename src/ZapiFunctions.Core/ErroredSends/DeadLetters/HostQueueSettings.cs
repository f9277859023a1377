using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>
/// The queue trigger's <c>maxDequeueCount</c> as the host applies it, so the app knows which try is the last one.
/// </summary>
/// <param name="MaxDequeueCount">Tries before the runtime moves a message to <c>&lt;queue&gt;-poison</c>.</param>
/// <param name="Source">Where the value came from, for the start-up log.</param>
public sealed record HostQueueSettings(int MaxDequeueCount, string Source)
{
    /// <summary>The Functions runtime's own default when host.json sets none.</summary>
    public const int RuntimeDefaultMaxDequeueCount = 5;

    /// <summary>
    /// The app setting <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c>, in configuration form. The host
    /// lets it override host.json, and the isolated worker sees it, as it sees every app setting (environment variables).
    /// </summary>
    public const string OverrideKey = "AzureFunctionsJobHost:extensions:queues:maxDequeueCount";

    /// <summary>
    /// Resolves what the Functions host uses. The isolated worker is not given host.json (its configuration is the
    /// app settings, as environment variables, and its command line), so: the <see cref="OverrideKey"/> app setting
    /// when set, else <c>extensions.queues.maxDequeueCount</c> of the host.json deployed beside the app
    /// (<paramref name="hostJsonPath"/>, the file the host reads), else <see cref="RuntimeDefaultMaxDequeueCount"/>.
    /// A value the host could not use either (not a whole number of at least 1) is passed over.
    /// </summary>
    public static HostQueueSettings Resolve(IConfiguration configuration, string hostJsonPath)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(hostJsonPath);
        if (int.TryParse(configuration[OverrideKey], NumberStyles.None, CultureInfo.InvariantCulture, out var fromSetting) && fromSetting >= 1)
        {
            return new HostQueueSettings(fromSetting, "app setting AzureFunctionsJobHost__extensions__queues__maxDequeueCount");
        }

        if (FromHostJson(hostJsonPath) is { } fromFile)
        {
            return new HostQueueSettings(fromFile, hostJsonPath);
        }

        return new HostQueueSettings(RuntimeDefaultMaxDequeueCount, "the Functions runtime's default");
    }

    private static int? FromHostJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(
                File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("extensions", out var extensions)
                && extensions.ValueKind == JsonValueKind.Object
                && extensions.TryGetProperty("queues", out var queues)
                && queues.ValueKind == JsonValueKind.Object
                && queues.TryGetProperty("maxDequeueCount", out var value)
                && value.ValueKind == JsonValueKind.Number
                && value.TryGetInt32(out var count)
                && count >= 1
                    ? count
                    : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
