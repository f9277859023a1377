using System.Globalization;
using System.Text.Json;

namespace ZapiFunctions.DevHost.Queues;

/// <summary>
/// The queue trigger settings of host.json (<c>extensions.queues</c>), with the Functions runtime's defaults for
/// anything not set. One source of truth: the DevHost's listener and Azure Functions read the same file.
/// </summary>
internal sealed record QueueTriggerSettings(
    int BatchSize,
    int NewBatchThreshold,
    int MaxDequeueCount,
    TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval,
    string MessageEncoding)
{
    public static QueueTriggerSettings Defaults { get; } = new(16, 8, 5, TimeSpan.Zero, TimeSpan.FromMinutes(1), "base64");

    public static QueueTriggerSettings Load(string hostJsonPath)
    {
        using var stream = File.OpenRead(hostJsonPath);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("extensions", out var extensions)
            || !extensions.TryGetProperty("queues", out var queues))
        {
            return Defaults;
        }

        var batchSize = Int(queues, "batchSize", Defaults.BatchSize);
        var settings = new QueueTriggerSettings(
            batchSize,
            Int(queues, "newBatchThreshold", batchSize / 2),
            Int(queues, "maxDequeueCount", Defaults.MaxDequeueCount),
            Time(queues, "visibilityTimeout", Defaults.VisibilityTimeout),
            Time(queues, "maxPollingInterval", Defaults.MaxPollingInterval),
            queues.TryGetProperty("messageEncoding", out var encoding) ? encoding.GetString() ?? "base64" : "base64");
        if (settings.BatchSize is < 1 or > 32 || settings.MaxDequeueCount < 1 || settings.MaxPollingInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidOperationException(
                $"{hostJsonPath}: extensions.queues needs batchSize 1-32, maxDequeueCount >= 1 and maxPollingInterval >= 00:00:00.1.");
        }

        if (!settings.MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{hostJsonPath}: extensions.queues.messageEncoding must be base64: the ingest writes Base64 messages.");
        }

        return settings;
    }

    private static int Int(JsonElement queues, string name, int fallback) =>
        queues.TryGetProperty(name, out var value) ? value.GetInt32() : fallback;

    private static TimeSpan Time(JsonElement queues, string name, TimeSpan fallback) =>
        queues.TryGetProperty(name, out var value)
            ? TimeSpan.Parse(value.GetString()!, CultureInfo.InvariantCulture)
            : fallback;
}
