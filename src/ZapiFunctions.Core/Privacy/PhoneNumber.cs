using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ZapiFunctions.Core.Privacy;

/// <summary>
/// A phone as Z-API writes it in a callback's <c>phone</c>: the digits with the country code (<c>5511987654321</c>) or
/// an <c>@lid</c> id (<c>123456789012345@lid</c>).
/// </summary>
public static class PhoneNumber
{
    private const string LidSuffix = "@lid";

    /// <summary>
    /// <paramref name="input"/> as Z-API writes it: spaces, <c>+</c>, <c>-</c>, <c>(</c> and <c>)</c> removed and an
    /// <c>@LID</c> suffix lower-cased. False when what is left is neither digits nor digits followed by <c>@lid</c>.
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? phone)
    {
        phone = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var builder = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (!char.IsWhiteSpace(c) && c is not ('+' or '-' or '(' or ')'))
            {
                builder.Append(c);
            }
        }

        var text = builder.ToString();
        var digits = text.EndsWith(LidSuffix, StringComparison.OrdinalIgnoreCase) ? text[..^LidSuffix.Length] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        phone = digits.Length == text.Length ? digits : digits + LidSuffix;
        return true;
    }
}
