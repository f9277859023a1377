using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Reads the <c>Zapi</c> section and says what is wrong with it in the names users write
/// (<c>Zapi__MaxBodyBytes</c>), so every host and the CLI report a bad setting the same way: one line each.
/// </summary>
public static class ZapiSettings
{
    private static readonly PropertyInfo[] Properties = typeof(ZapiOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .ToArray();

    private static readonly ZapiOptions Defaults = new();

    /// <summary>The setting as users write it: <c>Zapi__MaxBodyBytes</c> for <see cref="ZapiOptions.MaxBodyBytes"/>.</summary>
    public static string SettingName(string property) => $"{ZapiOptions.SectionName}__{property}";

    /// <summary>
    /// Binds every value that converts to its property's type. A value that does not (<c>abc</c> for a number) keeps
    /// the default and is reported by <see cref="Problems"/>, instead of the binder's exception with an internal path.
    /// </summary>
    public static void Bind(IConfiguration configuration, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(ZapiOptions.SectionName);
        foreach (var property in Properties)
        {
            if (TryConvert(property, section[property.Name], out var value) && value is not null)
            {
                property.SetValue(options, value);
            }
        }
    }

    /// <summary>Binds a fresh <see cref="ZapiOptions"/> without validating it (see <see cref="Problems"/>).</summary>
    public static ZapiOptions Bind(IConfiguration configuration)
    {
        var options = new ZapiOptions();
        Bind(configuration, options);
        return options;
    }

    /// <summary>Everything wrong with the <c>Zapi</c> settings: values of the wrong type, then the validation rules.</summary>
    public static IReadOnlyList<SettingProblem> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. ConversionProblems(configuration), .. RuleProblems(configuration, Bind(configuration))];
    }

    /// <summary>The validation rules (data annotations and <see cref="ZapiOptionsRules"/>) applied to <paramref name="options"/>.</summary>
    internal static IEnumerable<SettingProblem> RuleProblems(IConfiguration configuration, ZapiOptions options)
    {
        var section = configuration.GetSection(ZapiOptions.SectionName);
        IValidateOptions<ZapiOptions>[] validators = [new ZapiOptionsValidator(), new ZapiOptionsRules(), new QueueLifetimeRules()];
        foreach (var failure in validators.SelectMany(v => v.Validate(null, options).Failures ?? []))
        {
            // Generated failures read "<Property>: <message>"; ZapiOptionsRules' start with the setting name.
            var property = Properties.FirstOrDefault(p =>
                failure.StartsWith(p.Name + ": ", StringComparison.Ordinal) || failure.StartsWith(SettingName(p.Name) + " ", StringComparison.Ordinal));
            if (property is null)
            {
                yield return new SettingProblem(ZapiOptions.SectionName, failure);
                continue;
            }

            var setting = SettingName(property.Name);
            var raw = section[property.Name];
            var shown = string.IsNullOrEmpty(raw) ? setting : $"{setting} ('{raw}')";
            var range = property.GetCustomAttribute<RangeAttribute>();
            var message = range is not null && failure.Contains(" must be between ", StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture, $"{shown} is out of range: use {Kind(property)} from {range.Minimum} to {range.Maximum}.")
                : shown + failure[(failure.IndexOf(setting, StringComparison.Ordinal) + setting.Length)..];
            yield return new SettingProblem(setting, message);
        }
    }

    private static IEnumerable<SettingProblem> ConversionProblems(IConfiguration configuration)
    {
        var section = configuration.GetSection(ZapiOptions.SectionName);
        foreach (var property in Properties)
        {
            var raw = section[property.Name];
            if (!TryConvert(property, raw, out _))
            {
                var setting = SettingName(property.Name);
                yield return new SettingProblem(setting, $"{setting} ('{raw}') is not {Expected(property)}.");
            }
        }
    }

    /// <summary>Converts as the configuration binder does (invariant culture); empty means "not set" for non-strings.</summary>
    private static bool TryConvert(PropertyInfo property, string? raw, out object? value)
    {
        value = null;
        if (raw is null)
        {
            return true;
        }

        if (property.PropertyType == typeof(string))
        {
            value = raw;
            return true;
        }

        if (raw.Length == 0)
        {
            return true;
        }

        try
        {
            value = TypeDescriptor.GetConverter(property.PropertyType).ConvertFromInvariantString(raw);
            return true;
        }
#pragma warning disable CA1031 // Converters throw a variety of exceptions (FormatException, ArgumentException, …) for bad text.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static string Expected(PropertyInfo property) =>
        property.GetCustomAttribute<RangeAttribute>() is { } range
            ? string.Create(CultureInfo.InvariantCulture, $"{Kind(property)}: use one from {range.Minimum} to {range.Maximum}")
            : Kind(property);

    private static string Kind(PropertyInfo property) => property.PropertyType switch
    {
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(TimeSpan) && property.GetValue(Defaults) is TimeSpan { TotalDays: >= 1 } days =>
            string.Create(CultureInfo.InvariantCulture, $"a duration (d.hh:mm:ss, such as {days:c})"),
        var t when t == typeof(TimeSpan) => "a duration (hh:mm:ss, such as 00:00:05)",
        var t => "a " + t.Name,
    };
}
