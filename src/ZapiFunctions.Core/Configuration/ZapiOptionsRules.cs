using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>Checks that data annotations cannot express.</summary>
public sealed class ZapiOptionsRules : IValidateOptions<ZapiOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.NotifyUrl))
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.NotifyUrl, UriKind.Absolute, out var url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            return ValidateOptionsResult.Fail(
                "Zapi__NotifyUrl is not an https:// URL: use an absolute https:// URL (http:// only for a loopback address, for testing), or leave it empty to turn notifications off.");
        }

        return ValidateOptionsResult.Success;
    }
}
