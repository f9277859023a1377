using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Table keys may not contain '/', '\', '#', '?' or control characters, and hold at most 1 KiB. Such characters (and
/// '%') are written as %XX, so every id maps to exactly one key and ordinary ids are left unchanged; an id whose key
/// would be longer than <see cref="MaxLength"/> characters is keyed by its SHA-256 instead (the id itself stays in a
/// column), so a sender's oversized id is recorded rather than failing every try.
/// </summary>
public static class TableKeys
{
    /// <summary>The longest key written as the id itself; Azure Tables allows 1 KiB (512 UTF-16 characters).</summary>
    public const int MaxLength = 256;

    /// <summary>The partition of errored sends whose callback named no instance (neither in the body nor the URL).</summary>
    public const string NoInstance = "(none)";

    /// <summary>The prefix of a key that is the hash of a long id.</summary>
    public const string HashPrefix = "sha256-";

    /// <summary>Encodes <paramref name="value"/> for use as a PartitionKey or RowKey.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = value.Any(NeedsEscape) ? Escape(value) : value;
        return key.Length <= MaxLength
            ? key
            : HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
