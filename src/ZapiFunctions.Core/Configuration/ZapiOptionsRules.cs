using System.Globalization;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Checks that data annotations cannot express: the notify URL's scheme, and the queue time-to-live settings
/// (<c>Zapi__DeliveriesTimeToLive</c>, <c>Zapi__ErroredSendsTimeToLive</c>), where any negative duration (written
/// <c>-1</c>) means never expire and otherwise the value must fit what Storage's <c>messagettl</c> carries (whole
/// seconds in an int, as the Azure SDK sends it).
/// </summary>
public sealed class ZapiOptionsRules : IValidateOptions<ZapiOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.NotifyUrl)
            && !(Uri.TryCreate(options.NotifyUrl, UriKind.Absolute, out var url)
                && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))))
        {
            failures.Add("Zapi__NotifyUrl is not an https:// URL: use an absolute https:// URL (http:// only for a loopback address, for testing), or leave it empty to turn notifications off.");
        }

        CheckTimeToLive(nameof(ZapiOptions.DeliveriesTimeToLive), options.DeliveriesTimeToLive, failures);
        CheckTimeToLive(nameof(ZapiOptions.ErroredSendsTimeToLive), options.ErroredSendsTimeToLive, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTimeToLive(string property, TimeSpan value, List<string> failures)
    {
        if (QueueTimeToLive.IsNever(value) || (value >= QueueTimeToLive.Shortest && value <= QueueTimeToLive.Longest))
        {
            return;
        }

        failures.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"{ZapiOptions.SettingName(property)} is out of range: use -1 to keep messages until they are read, or a duration from 00:00:01 to {QueueTimeToLive.Longest:c} (d.hh:mm:ss, such as 7.00:00:00)."));
    }
}
