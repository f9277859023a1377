namespace ZapiFunctions.DevHost.Settings;

/// <summary>The DevHost's own command-line switches, turned into configuration before the host reads the arguments.</summary>
internal static class DevHostArguments
{
    /// <summary>The configuration key <c>--verbose</c> sets.</summary>
    public const string VerboseKey = "DevHost:Verbose";

    /// <summary>
    /// Replaces the bare switch <c>--verbose</c> with <c>--DevHost:Verbose=true</c>: ASP.NET Core's command line
    /// reads <c>--name</c> without <c>=</c> as a key whose value is the next argument, so a bare switch would
    /// swallow it (<c>--verbose --urls=…</c> would lose the URLs).
    /// </summary>
    public static string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [.. args.Select(arg => string.Equals(arg, "--verbose", StringComparison.OrdinalIgnoreCase) ? $"--{VerboseKey}=true" : arg)];
    }
}
