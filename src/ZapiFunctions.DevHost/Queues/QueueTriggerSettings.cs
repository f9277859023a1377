using System.Globalization;
using System.Text.Json;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.DevHost.Settings;

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
        using var document = DevHostJson.Read(hostJsonPath, "--DevHost:HostJson");
        if (!document.RootElement.TryGetProperty("extensions", out var extensions)
            || !extensions.TryGetProperty("queues", out var queues))
        {
            return Defaults;
        }

        var batchSize = Int(hostJsonPath, queues, "batchSize", Defaults.BatchSize);
        var settings = new QueueTriggerSettings(
            batchSize,
            Int(hostJsonPath, queues, "newBatchThreshold", batchSize / 2),
            Int(hostJsonPath, queues, "maxDequeueCount", Defaults.MaxDequeueCount),
            Time(hostJsonPath, queues, "visibilityTimeout", Defaults.VisibilityTimeout),
            Time(hostJsonPath, queues, "maxPollingInterval", Defaults.MaxPollingInterval),
            queues.TryGetProperty("messageEncoding", out var encoding) && encoding.ValueKind == JsonValueKind.String ? encoding.GetString()! : "base64");
        if (settings.BatchSize is < 1 or > 32 || settings.MaxDequeueCount < 1 || settings.MaxPollingInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidSettingsException(
                $"{hostJsonPath}: extensions.queues needs batchSize 1-32, maxDequeueCount >= 1 and maxPollingInterval >= 00:00:00.1.");
        }

        if (!settings.MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidSettingsException(
                $"{hostJsonPath}: extensions.queues.messageEncoding must be base64: the ingest writes Base64 messages.");
        }

        return settings;
    }

    private static int Int(string path, JsonElement queues, string name, int fallback) =>
        !queues.TryGetProperty(name, out var value) ? fallback
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new InvalidSettingsException($"{path}: extensions.queues.{name} ({value.GetRawText()}) is not a whole number.");

    private static TimeSpan Time(string path, JsonElement queues, string name, TimeSpan fallback) =>
        !queues.TryGetProperty(name, out var value) ? fallback
        : value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var time) ? time
        : throw new InvalidSettingsException($"{path}: extensions.queues.{name} ({value.GetRawText()}) is not a duration: use \"hh:mm:ss\", such as \"00:00:30\".");
}
