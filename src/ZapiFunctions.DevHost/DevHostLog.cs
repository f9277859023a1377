namespace ZapiFunctions.DevHost;

internal static partial class DevHostLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "DevHost: settings from {SettingsFile}, queue settings from {HostJson}")]
    public static partial void Started(ILogger logger, string settingsFile, string hostJson);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "DevHost: functions switched off (AzureWebJobs.<name>.Disabled): {Functions}")]
    public static partial void SwitchedOff(ILogger logger, string functions);
}
