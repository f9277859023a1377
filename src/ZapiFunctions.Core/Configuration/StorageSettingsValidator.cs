using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Start-up check of <c>AzureWebJobsStorage</c> (<see cref="StorageConnection.Problems"/>), registered with the
/// storage clients: the clients read the setting lazily, so without this a bad value would surface only at first use.
/// </summary>
internal sealed class StorageSettingsValidator(IConfiguration configuration) : IValidateOptions<StorageSettingsValidator.Checked>
{
    public ValidateOptionsResult Validate(string? name, Checked options)
    {
        var problems = StorageConnection.Problems(configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }

    /// <summary>Nothing to bind: the options type only gives the check a place in <c>ValidateOnStart</c>.</summary>
    internal sealed class Checked;
}
