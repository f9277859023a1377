using System.Diagnostics.Metrics;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>Errored-send instruments on the <c>ZapiFunctions</c> meter.</summary>
public sealed class ErroredSendMetrics
{
    private readonly Counter<long> _erroredSends;

    public ErroredSendMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _erroredSends = meterFactory.Create(ZapiTelemetry.Name).CreateCounter<long>(
            ZapiTelemetry.ErroredSends, unit: "{send}", description: "Failed WhatsApp sends reported by Z-API, by category.");
    }

    /// <summary>Counts one newly recorded occurrence.</summary>
    public void Recorded(string category, string instanceId) =>
        _erroredSends.Add(1, new("category", category), new("instance_id", instanceId));
}
