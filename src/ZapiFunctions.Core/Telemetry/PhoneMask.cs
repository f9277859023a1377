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
    /// Masks the digits of <paramref name="phone"/> but the first two (country code) and last four; suffixes such
    /// as <c>@lid</c> or <c>-group</c> stay. Short values keep only their last two digits.
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

        // An @lid identifier is not a phone number: it has no country code to keep.
        var leading = suffix.StartsWith("@lid", StringComparison.OrdinalIgnoreCase) ? 0 : KeepLeading;
        var trailing = KeepTrailing;
        if (core.Length < leading + trailing + 4)
        {
            leading = 0;
            trailing = Math.Min(2, core.Length / 2);
        }

        var masked = new char[core.Length];
        for (var i = 0; i < core.Length; i++)
        {
            masked[i] = i < leading || i >= core.Length - trailing ? core[i] : '*';
        }

        return string.Concat(new string(masked), suffix);
    }
}
