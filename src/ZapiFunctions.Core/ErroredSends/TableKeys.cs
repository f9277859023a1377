using System.Globalization;
using System.Text;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Table keys may not contain '/', '\', '#', '?' or control characters. Such characters (and '%') are written as
/// %XX, so every id maps to exactly one key and ordinary ids are left unchanged.
/// </summary>
public static class TableKeys
{
    /// <summary>Encodes <paramref name="value"/> for use as a PartitionKey or RowKey.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

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
