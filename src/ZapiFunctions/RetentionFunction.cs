using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;

namespace ZapiFunctions;

/// <summary>
/// Deletes personal data past <c>Zapi__ErroredSendsRetention</c> once a day: errored-send rows last seen, and dead
/// letters dead-lettered, before then (<see cref="PersonalDataRetention"/>; the DevHost runs the same purge on its own
/// timer). A failure (storage down) fails the run, which the runtime logs; the next day's run catches up.
/// </summary>
public sealed class RetentionFunction(PersonalDataRetention retention, IOptions<ZapiOptions> options)
{
    /// <summary>Six-field CRON (seconds first), in UTC: 03:30:00 every day, outside business hours in Brazil.</summary>
    [Function("Retention")]
    public Task RunAsync([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.PurgeExpiredAsync(options.Value.ErroredSendsRetention, cancellationToken);
}
