using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Runs the start-up validations (<c>ValidateOnStart</c>) before a host starts, so a bad setting is reported as
/// one line per problem and a clean non-zero exit instead of an exception thrown out of <c>Run</c>.
/// </summary>
public static class StartupProblems
{
    /// <summary>Exit code of a host that refused its settings (the CLI uses the same code for usage errors).</summary>
    public const int ExitCode = 2;

    /// <summary>The problems found, one line each, ordered by the setting they name; empty when the settings are usable.</summary>
    public static IReadOnlyList<string> Find(IServiceProvider services) =>
        [.. Validate(services).Distinct().Order(StringComparer.Ordinal)];

    private static IEnumerable<string> Validate(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return ex.Failures;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException or InvalidSettingsException))
        {
            return ex.InnerExceptions.SelectMany(e => e is OptionsValidationException o ? o.Failures : ((InvalidSettingsException)e).Problems);
        }
        catch (InvalidSettingsException ex)
        {
            return ex.Problems;
        }
    }

    /// <summary>
    /// Writes each problem as <c>error: …</c> to <paramref name="error"/>; true when there were any (the host
    /// should then exit with <see cref="ExitCode"/>).
    /// </summary>
    public static bool Report(IServiceProvider services, TextWriter error) => Report(Find(services), error);

    /// <summary>Writes each problem as one <c>error: …</c> line; true when there were any.</summary>
    public static bool Report(IReadOnlyList<string> problems, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var problem in problems)
        {
            error.WriteLine("error: " + problem);
        }

        return problems.Count > 0;
    }
}
