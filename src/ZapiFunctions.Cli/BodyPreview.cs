using System.Text.RegularExpressions;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Cli;

/// <summary>
/// A short look at a message body for a table column: one line, every run of eight or more digits masked as
/// <see cref="PhoneMask"/> masks a phone (phone numbers are personal data; masking an id or a timestamp too costs
/// nothing), cut to <see cref="Width"/> characters. <c>--json</c> has the whole body.
/// </summary>
internal static partial class BodyPreview
{
    /// <summary>The longest preview, in characters.</summary>
    public const int Width = 60;

    public static string Of(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return CallbackText.Absent;
        }

        var line = LongDigits().Replace(Whitespace().Replace(body, " ").Trim(), digits => PhoneMask.Mask(digits.Value));
        return line.Length <= Width ? line : line[..(Width - 1)] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\d{8,}")]
    private static partial Regex LongDigits();
}
