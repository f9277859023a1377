using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// Start-up check of <c>ZapiFallbackStorage</c> (<see cref="FallbackStorage.Problems"/>): its client is created
/// lazily, so without this a bad value would surface only at the first fallback write, when it is needed most.
/// </summary>
internal sealed class FallbackStorageValidator(IConfiguration configuration) : IValidateOptions<FallbackStorageValidator.Checked>
{
    public ValidateOptionsResult Validate(string? name, Checked options)
    {
        var problems = FallbackStorage.Problems(configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }

    /// <summary>Nothing to bind: the options type only gives the check a place in <c>ValidateOnStart</c>.</summary>
    internal sealed class Checked;
}
