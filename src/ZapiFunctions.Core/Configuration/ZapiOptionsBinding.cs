using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Binds the <c>Zapi</c> section with the configuration binder. The binder stops at the first value it cannot convert
/// (<c>abc</c> for a number), naming it only by path and CLR type; here that value is left at its default and noted
/// in <see cref="ZapiOptions.Unconvertible"/>, binding goes on with the rest, and <see cref="ZapiOptionsProblems"/>
/// reports every such value beside the others, in the setting's own name. An empty value means "not set": a blank app
/// setting is how a portal or a Bicep parameter leaves a value to its default. A key the app does not read (a typo such
/// as <c>Zapi__MaxBodyByte</c>) is noted in <see cref="ZapiOptions.Unknown"/> and warned about at start-up with the
/// closest name (<see cref="IngestStartupReport"/>), never silently ignored.
/// </summary>
public sealed partial class ZapiOptionsBinding(IConfiguration configuration) : IConfigureOptions<ZapiOptions>
{
    /// <summary>The settings the app reads under <c>Zapi</c>: the options' properties (keys compare ignoring case, as the binder's do).</summary>
    private static readonly HashSet<string> Known = typeof(ZapiOptions)
        .GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .Select(p => p.Name)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void Configure(ZapiOptions options) => Bind(configuration, options);

    /// <summary>A fresh <see cref="ZapiOptions"/> bound from <paramref name="configuration"/>, not yet validated.</summary>
    public static ZapiOptions Bind(IConfiguration configuration)
    {
        var options = new ZapiOptions();
        Bind(configuration, options);
        return options;
    }

    private static void Bind(IConfiguration configuration, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(ZapiOptions.SectionName);
        options.Unknown.AddRange(section.GetChildren().Select(c => c.Key).Where(key => !Known.Contains(key)));
        var values = section
            .AsEnumerable(makePathsRelative: true)
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            try
            {
                new ConfigurationBuilder().AddInMemoryCollection(values).Build().Bind(options);
                return;
            }
            catch (InvalidOperationException ex) when (FailedKey(ex) is { } key && values.Remove(key, out var raw))
            {
                if (!string.IsNullOrEmpty(raw))
                {
                    options.Unconvertible.Add(key);
                }
            }
        }
    }

    /// <summary>The closest of the settings the app reads to <paramref name="key"/> (fewest single-letter edits).</summary>
    internal static string Closest(string key) =>
        Known.OrderBy(name => Distance(key.ToUpperInvariant(), name.ToUpperInvariant())).ThenBy(name => name, StringComparer.Ordinal).First();

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>The key the binder names in "Failed to convert configuration value '…' at '&lt;key&gt;' to type '…'.".</summary>
    private static string? FailedKey(InvalidOperationException ex) =>
        BinderFailure().Match(ex.Message) is { Success: true } match ? match.Groups["key"].Value : null;

    [GeneratedRegex(@" at '(?<key>[^']*)' to type '[^']*'\.$")]
    private static partial Regex BinderFailure();
}
