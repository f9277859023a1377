using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Binds the <c>Zapi</c> section with the configuration binder. The binder stops at the first value it cannot convert
/// (<c>abc</c> for a number), naming it only by path and CLR type; here that value is left at its default and noted
/// in <see cref="ZapiOptions.Unconvertible"/>, binding goes on with the rest, and <see cref="ZapiOptionsProblems"/>
/// reports every such value beside the others, in the setting's own name. An empty value means "not set": a blank app
/// setting is how a portal or a Bicep parameter leaves a value to its default.
/// </summary>
public sealed partial class ZapiOptionsBinding(IConfiguration configuration) : IConfigureOptions<ZapiOptions>
{
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
        var values = configuration.GetSection(ZapiOptions.SectionName)
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

    /// <summary>The key the binder names in "Failed to convert configuration value '…' at '&lt;key&gt;' to type '…'.".</summary>
    private static string? FailedKey(InvalidOperationException ex) =>
        BinderFailure().Match(ex.Message) is { Success: true } match ? match.Groups["key"].Value : null;

    [GeneratedRegex(@" at '(?<key>[^']*)' to type '[^']*'\.$")]
    private static partial Regex BinderFailure();
}
