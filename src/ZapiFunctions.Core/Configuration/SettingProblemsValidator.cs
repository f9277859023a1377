using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// A start-up check that fails with a setting's <see cref="SettingProblem"/> messages, one line each (see
/// <see cref="StartupProblems"/>). One class for every such check (<c>Zapi</c>, <c>AzureWebJobsStorage</c>,
/// <c>ZapiFallbackStorage</c>), so they all report alike.
/// </summary>
/// <typeparam name="TOptions">The options type the check is attached to.</typeparam>
/// <param name="problems">Reads the setting's problems; called when the options are validated.</param>
internal sealed class SettingProblemsValidator<TOptions>(Func<IReadOnlyList<SettingProblem>> problems) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var found = problems();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found.Select(p => p.Message));
    }
}
