namespace ZapiFunctions.Core.Telemetry;

/// <summary>Placeholder until the sanitizer lands.</summary>
public static class LogText
{
    /// <summary>Safe text.</summary>
    public static string Safe(string? value, int maxLength = 128) =>
        value is null ? string.Empty : value.Length > maxLength ? value[..maxLength] : value;
}
