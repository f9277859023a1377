using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// The one place that words what is wrong with the <c>Zapi</c> settings as users fix them: the values the binder could
/// not convert (<see cref="ZapiOptionsBinding"/>), then the data annotations (<see cref="ZapiOptionsValidator"/>, source
/// generated) and <see cref="ZapiOptionsRules"/>, each as one line that names the setting as users write it
/// (<c>Zapi__MaxBodyBytes ('-5') is out of range: use a whole number from 256 to 48000.</c>). Registered as the
/// options' validator, so <c>ValidateOnStart</c> fails with these lines, and used by the CLI for the settings a
/// command reads.
/// </summary>
public sealed class ZapiOptionsProblems(IConfiguration configuration) : IValidateOptions<ZapiOptions>
{
    private static readonly IValidateOptions<ZapiOptions>[] Rules = [new ZapiOptionsValidator(), new ZapiOptionsRules()];

    private static readonly PropertyInfo[] Properties = typeof(ZapiOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    private static readonly ZapiOptions Defaults = new();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ZapiOptions options)
    {
        var problems = Find(configuration, options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }

    /// <summary>Everything wrong with <paramref name="options"/>, bound from <paramref name="configuration"/>, one line each.</summary>
    public static IReadOnlyList<SettingProblem> Find(IConfiguration configuration, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(ZapiOptions.SectionName);
        var unconvertible = options.Unconvertible
            .Select(key => Properties.First(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase)))
            .Select(p => Problem(p, $"{ZapiOptions.SettingName(p.Name)} ('{section[p.Name]}') is not {Expected(p)}."));
        var broken = Rules.SelectMany(rule => rule.Validate(null, options).Failures ?? [])
            .Select(failure => Word(failure, section));
        return [.. unconvertible, .. broken];
    }

    /// <summary>
    /// A validator's failure, worded: the generated validator writes "&lt;Property&gt;: &lt;message&gt;" (and ignores a
    /// range's <c>ErrorMessage</c>), the rules start with the setting's name; both get the value shown after the name.
    /// </summary>
    private static SettingProblem Word(string failure, IConfigurationSection section)
    {
        var property = Properties.FirstOrDefault(p =>
            failure.StartsWith(p.Name + ": ", StringComparison.Ordinal)
            || failure.StartsWith(ZapiOptions.SettingName(p.Name) + " ", StringComparison.Ordinal));
        if (property is null)
        {
            return new SettingProblem(ZapiOptions.SectionName, failure);
        }

        var setting = ZapiOptions.SettingName(property.Name);
        var raw = section[property.Name];
        var shown = string.IsNullOrEmpty(raw) ? setting : $"{setting} ('{raw}')";
        var range = property.GetCustomAttribute<RangeAttribute>();
        return Problem(property, range is not null && failure.Contains(" must be between ", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{shown} is out of range: use {Kind(property)} from {range.Minimum} to {range.Maximum}.")
            : shown + failure[(failure.IndexOf(setting, StringComparison.Ordinal) + setting.Length)..]);
    }

    private static SettingProblem Problem(PropertyInfo property, string message) => new(ZapiOptions.SettingName(property.Name), message);

    private static string Expected(PropertyInfo property) =>
        property.GetCustomAttribute<RangeAttribute>() is { } range
            ? string.Create(CultureInfo.InvariantCulture, $"{Kind(property)}: use one from {range.Minimum} to {range.Maximum}")
            : Kind(property);

    private static string Kind(PropertyInfo property) => property.PropertyType switch
    {
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(TimeSpan) && property.GetValue(Defaults) is TimeSpan { TotalDays: >= 1 } days =>
            string.Create(CultureInfo.InvariantCulture, $"a duration (d.hh:mm:ss, such as {days:c})"),
        var t when t == typeof(TimeSpan) => "a duration (hh:mm:ss, such as 00:00:05)",
        var t => "a " + t.Name,
    };
}
