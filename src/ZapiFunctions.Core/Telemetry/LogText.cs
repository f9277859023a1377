using System.Globalization;
using System.Text;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// Makes text that came from outside (callback ids, phones, Z-API error text) safe to write to a log line or a
/// terminal: nothing in it can move the cursor, clear the screen, ring the bell, start a new log line or reorder
/// what is displayed, and a value cannot fill a log line with thousands of characters.
/// </summary>
public static class LogText
{
    /// <summary>The default length, in text elements, that <see cref="Safe"/> keeps.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>
    /// Written after a cut value, with the number of UTF-16 characters left out: the cut is usually a sign of a
    /// malformed or hostile callback, so its size is worth seeing.
    /// </summary>
    private const string CutMarker = "…(+";

    /// <summary>
    /// One text element can hold any number of combining marks, so keeping whole text elements alone would not bound
    /// the output; this allows the longest ordinary elements (ZWJ emoji families, flag tag sequences) at an average.
    /// </summary>
    private const int MaxCharsPerElement = 4;

    /// <summary>
    /// <paramref name="value"/> escaped as <see cref="Escape"/> does and, when longer than
    /// <paramref name="maxLength"/> text elements, cut to that many followed by <c>…(+N chars)</c>, N being the
    /// UTF-16 characters left out. Whole text elements only, so an emoji or an accented letter is never split; fewer
    /// than <paramref name="maxLength"/> are kept when they average more than four characters each. Null gives an
    /// empty string; a value that needs neither comes back as the same instance.
    /// </summary>
    public static string Safe(string? value, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var kept = KeptLength(value, maxLength);
        if (kept == value.Length)
        {
            return Escape(value);
        }

        var builder = new StringBuilder(kept + 24);
        AppendEscaped(builder, value.AsSpan(0, kept));
        return builder
            .Append(CutMarker)
            .Append((value.Length - kept).ToString(CultureInfo.InvariantCulture))
            .Append(" chars)")
            .ToString();
    }

    /// <summary>
    /// <paramref name="value"/> with every character that could act on a terminal or a log written as
    /// <c>\uXXXX</c> (uppercase hex, four digits): control characters (C0, DEL, C1, so also CR, LF and TAB), lone
    /// surrogates, bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and
    /// paragraph separators U+2028 and U+2029. Nothing is cut. Null gives an empty string; a value with nothing to
    /// escape comes back as the same instance.
    /// </summary>
    /// <remarks>
    /// A backslash is not escaped, so a literal <c>\u001B</c> in the input reads the same as an escaped ESC: either
    /// way the terminal shows six harmless characters, and ids and error text with backslashes stay readable.
    /// </remarks>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var first = FirstToEscape(value);
        if (first < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16);
        builder.Append(value, 0, first);
        AppendEscaped(builder, value.AsSpan(first));
        return builder.ToString();
    }

    private static int KeptLength(string value, int maxLength)
    {
        // A text element is at least one character, so a value no longer than maxLength characters is never cut.
        if (value.Length <= maxLength)
        {
            return value.Length;
        }

        var charBudget = (int)Math.Min((long)maxLength * MaxCharsPerElement, int.MaxValue);
        var position = 0;
        for (var elements = 0; elements < maxLength && position < value.Length; elements++)
        {
            var length = StringInfo.GetNextTextElementLength(value.AsSpan(position));
            if (position + length > charBudget)
            {
                break;
            }

            position += length;
        }

        return position;
    }

    private static int FirstToEscape(ReadOnlySpan<char> text)
    {
        // Printable ASCII, the common case for ids and phones, needs no escaping and is checked vectorized.
        var start = text.IndexOfAnyExceptInRange(' ', '~');
        if (start < 0)
        {
            return -1;
        }

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (NeedsEscape(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="c"/>, not part of a surrogate pair, must be escaped. ZERO WIDTH JOINER and other
    /// format characters that build emoji and scripts stay: they cannot move the cursor or reorder the line.
    /// </summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || char.IsSurrogate(c)
        || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';
}
