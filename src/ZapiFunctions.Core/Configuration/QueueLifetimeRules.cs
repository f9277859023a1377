using System.Globalization;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// The queue time-to-live settings (<c>Zapi__DeliveriesTimeToLive</c>, <c>Zapi__ErroredSendsTimeToLive</c>): any
/// negative duration (written <c>-1</c>) means never expire; otherwise from one second up to what Storage's
/// <c>messagettl</c> carries (whole seconds in an int, as the Azure SDK sends it).
/// </summary>
public sealed class QueueLifetimeRules : IValidateOptions<ZapiOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(nameof(ZapiOptions.DeliveriesTimeToLive), options.DeliveriesTimeToLive, failures);
        Check(nameof(ZapiOptions.ErroredSendsTimeToLive), options.ErroredSendsTimeToLive, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string property, TimeSpan value, List<string> failures)
    {
        if (QueueTimeToLive.IsNever(value) || (value >= QueueTimeToLive.Shortest && value <= QueueTimeToLive.Longest))
        {
            return;
        }

        failures.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"{ZapiSettings.SettingName(property)} is out of range: use -1 to keep messages until they are read, or a duration from 00:00:01 to {QueueTimeToLive.Longest:c} (d.hh:mm:ss, such as 7.00:00:00)."));
    }
}
