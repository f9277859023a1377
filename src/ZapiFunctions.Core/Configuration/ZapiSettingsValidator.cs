using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// The <c>Zapi</c> section's start-up check (<see cref="ZapiSettings.Problems"/>), in the names users write, one
/// line each (see <see cref="StartupProblems"/>).
/// </summary>
internal sealed class ZapiSettingsValidator(IConfiguration configuration) : IValidateOptions<ZapiOptions>
{
    public ValidateOptionsResult Validate(string? name, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ZapiSettings.Problems(configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }
}
