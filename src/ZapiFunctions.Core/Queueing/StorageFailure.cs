using System.Text.RegularExpressions;

namespace ZapiFunctions.Core.Queueing;

/// <summary>
/// A storage failure as one line for logs, health reports and the CLI: a stack trace helps nobody when Azurite is
/// simply not running, and a connection string's key must never be repeated.
/// </summary>
public static partial class StorageFailure
{
    private const int MaxLength = 300;

    /// <summary>
    /// Why storage failed, in one line: after retries the SDK throws an <see cref="AggregateException"/> whose own
    /// message is about retry settings, so the last try's error is the reason.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return FirstLine((exception is AggregateException { InnerExceptions.Count: > 0 } tries ? tries.InnerExceptions[^1] : exception).Message);
    }

    /// <summary>The first line of <paramref name="message"/>, with anything that looks like a secret masked.</summary>
    public static string FirstLine(string? message)
    {
        var line = (message ?? string.Empty).Split(['\r', '\n'], 2)[0].Trim();
        line = Secret().Replace(line, "$1=***");
        return line.Length <= MaxLength ? line : line[..MaxLength] + "…";
    }

    // AccountKey=…, SharedAccessSignature=…, sig=… (connection strings and SAS query strings).
    [GeneratedRegex("(AccountKey|SharedAccessSignature|sig)=[^;&\\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();
}
