using System.Text.RegularExpressions;

namespace ZapiFunctions.Cli;

/// <summary>Keeps secrets out of what the tool prints.</summary>
internal static partial class Redact
{
    /// <summary>Hides the function key (<c>code=</c>) in a webhook URL.</summary>
    public static string Url(string? url) => url is null ? string.Empty : CodeParameter().Replace(url, "$1***");

    [GeneratedRegex("([?&]code=)[^&#]*", RegexOptions.IgnoreCase)]
    private static partial Regex CodeParameter();
}
