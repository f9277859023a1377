using System.Globalization;
using System.Text;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// Text from a callback (ids, instance ids, error texts) as a log line, a span or a terminal table may carry it. It
/// comes from outside: a control character (ESC, NUL, BEL, a line break) could rewrite a terminal or forge a log
/// line, a bidirectional override could make a line read differently than it is, and a 10,000-character id would
/// repeat in every line. So such characters are written as visible escapes (<c>\u001B</c>), and long text is cut by
/// text element, so an emoji or an accented letter is never split.
/// </summary>
public static class LogText
{
    /// <summary>How long a value in a log line may be before it is cut.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>
    /// <paramref name="value"/> escaped (see <see cref="Escape"/>) and cut to <paramref name="maxLength"/> text elements,
    /// followed by how many characters were left out. Null is empty; a clean, short value is returned as it is.
    /// </summary>
    public static string Safe(string? value, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var escaped = Escape(value);
        if (escaped.Length <= maxLength)
        {
            return escaped;
        }

        var cut = 0;
        var elements = 0;
        while (cut < escaped.Length && elements < maxLength)
        {
            cut += StringInfo.GetNextTextElementLength(escaped, cut);
            elements++;
        }

        return cut >= escaped.Length
            ? escaped
            : string.Concat(escaped.AsSpan(0, cut), $"…(+{(escaped.Length - cut).ToString(CultureInfo.InvariantCulture)} chars)");
    }

    /// <summary>
    /// <paramref name="value"/> with every control character (C0, DEL, C1), lone surrogate, and bidirectional
    /// embedding, override or isolate character written as <c>\uXXXX</c>; the same instance when there is none.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var first = FirstUnsafe(value);
        if (first < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (IsUnsafe(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int FirstUnsafe(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Control characters, surrogates that are not part of a pair, and the bidi controls (U+202A–U+202E, U+2066–U+2069).</summary>
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
