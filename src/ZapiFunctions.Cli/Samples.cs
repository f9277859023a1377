using System.Reflection;

namespace ZapiFunctions.Cli;

/// <summary>The sample callbacks embedded in the tool (samples/callbacks in the repository).</summary>
internal static class Samples
{
    private const string Prefix = "samples/";

    /// <summary>Sample names: <c>delivered</c>, <c>errors/10-phone-number-does-not-exist</c>, <c>invalid/malformed</c>, …</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetExecutingAssembly().GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length].Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The sample's JSON; a unique prefix of a name is enough (e.g. <c>errors/10</c>).</summary>
    public static string Read(string name)
    {
        var wanted = name.Replace('\\', '/').Trim();
        var matches = Names.Where(n => n == wanted).ToList();
        if (matches.Count == 0)
        {
            matches = Names.Where(n => n.StartsWith(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        if (matches.Count != 1)
        {
            throw new UsageException(matches.Count == 0
                ? $"No sample named '{name}'. Samples: {string.Join(", ", Names)}"
                : $"'{name}' matches several samples: {string.Join(", ", matches)}");
        }

        var resource = Prefix + matches[0] + ".json";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? Assembly.GetExecutingAssembly().GetManifestResourceStream(resource.Replace('/', '\\'))!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
