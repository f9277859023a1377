using System.Globalization;
using System.Text;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// Phone numbers are personal data (LGPD): logs and traces carry only the country code and last digits,
/// enough to tell messages apart without identifying the person.
/// </summary>
public static class PhoneMask
{
    private const int KeepLeading = 2;
    private const int KeepTrailing = 4;

    /// <summary>
    /// Masks the characters of <paramref name="phone"/> but the first two (country code) and last four; suffixes such
    /// as <c>@lid</c> or <c>-group</c> stay. Short values keep only their last two characters. Counted in text
    /// elements, so an emoji or a combining sequence is masked or kept whole, never split; what is kept is escaped as
    /// <see cref="LogText.Safe"/> escapes it.
    /// </summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return string.Empty;
        }

        var suffixAt = phone.IndexOfAny(['@', '-']);
        var core = suffixAt >= 0 ? phone[..suffixAt] : phone;
        var suffix = suffixAt >= 0 ? phone[suffixAt..] : string.Empty;

        // Real numbers are ASCII, where a character is a text element: segmenting them would only cost (this runs per callback).
        var ascii = Ascii.IsValid(core);
        var elements = ascii ? null : TextElements(core);
        var count = elements?.Count ?? core.Length;

        // An @lid identifier is not a phone number: it has no country code to keep.
        var leading = suffix.StartsWith("@lid", StringComparison.OrdinalIgnoreCase) ? 0 : KeepLeading;
        var trailing = KeepTrailing;
        if (count < leading + trailing + 4)
        {
            leading = 0;
            trailing = Math.Min(2, count / 2);
        }

        var masked = new StringBuilder(core.Length + suffix.Length);
        for (var i = 0; i < count; i++)
        {
            if (i >= leading && i < count - trailing)
            {
                masked.Append('*');
            }
            else if (elements is null)
            {
                masked.Append(core[i]);
            }
            else
            {
                masked.Append(elements[i]);
            }
        }

        return LogText.Safe(masked.Append(suffix).ToString(), 64);
    }

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>(text.Length);
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }
}
