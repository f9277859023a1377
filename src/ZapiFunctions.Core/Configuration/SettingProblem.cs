namespace ZapiFunctions.Core.Configuration;

/// <summary>One thing wrong with the settings, as a user fixes it.</summary>
/// <param name="Setting">The setting as the user writes it in app settings or local.settings.json, e.g. <c>Zapi__MaxBodyBytes</c>.</param>
/// <param name="Message">One line that names the setting, says what is wrong and what is valid; never a secret.</param>
public sealed record SettingProblem(string Setting, string Message);
