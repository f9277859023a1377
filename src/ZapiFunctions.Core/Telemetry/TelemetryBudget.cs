using System.Diagnostics;
using OpenTelemetry;

namespace ZapiFunctions.Core.Telemetry;

/// <summary>
/// What a callback costs in exported items by default (<c>Zapi__FullTelemetry</c> false). A delivered callback that
/// was stored, or acknowledged with the deliveries queue off, exports its <c>zapi.ingest</c> span, which carries
/// messageId, zaapId, customId and instance (so the workbook's lookup and "what happened to message X?" still find
/// it), and nothing else beside the pre-aggregated metrics: not its queue write, not the worker's invocation around it.
/// Everything stays for errored sends, refusals, 503s and whatever failed; a request (a server span: the DevHost's,
/// with no Functions host in front) always stays. Outside a callback (timers), only what failed is exported. Spans are left out by clearing their <c>Recorded</c> flag as they end, before the exporter's
/// processor, which skips unrecorded spans; the per-callback log line is left out by a filter on the export's logger
/// provider (see <see cref="TelemetryServiceCollectionExtensions.AddZapiTelemetry"/>).
/// </summary>
internal sealed class TelemetryBudget : BaseProcessor<Activity>
{
    /// <summary>The app's span of one callback received.</summary>
    public const string IngestSpan = "zapi.ingest";

    /// <summary>Tag set on <see cref="IngestSpan"/> once the body is read: true for a failed send (the callback's <c>error</c>).</summary>
    public const string ErroredTag = "zapi.errored";

    /// <summary>A custom property that keeps an activity whatever it is (the invocation that processes an errored send).</summary>
    public const string KeepProperty = "zapi.keep";

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Source.Name == ZapiTelemetry.Name)
        {
            // The invocation around a callback that is not routine stays with it.
            if (!IsRoutine(data))
            {
                data.Parent?.SetCustomProperty(KeepProperty, true);
            }

            return;
        }

        // A server span is a request, what the alerts and the workbook count: the DevHost's, with no host in front
        // (under Functions the worker records none, the host's request being the one).
        if (data.Kind == ActivityKind.Server || data.Status == ActivityStatusCode.Error || data.GetCustomProperty(KeepProperty) is true)
        {
            return;
        }

        if (NearestAppSpan(data) is not { } app || IsRoutine(app))
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    /// <summary>Keeps the invocation an errored send is processed in (its span links to it rather than being its child).</summary>
    public static void Keep(Activity? invocation) => invocation?.SetCustomProperty(KeepProperty, true);

    /// <summary>
    /// A delivered callback, not refused and not failed, while it is handled (its queue write) or once done: the
    /// metrics count it, its span tells it apart.
    /// </summary>
    private static bool IsRoutine(Activity span) =>
        span.OperationName == IngestSpan
        && span.Status != ActivityStatusCode.Error
        && span.GetTagItem(ErroredTag) is false
        && span.GetTagItem("zapi.outcome") is null or "enqueued" or "ignored";

    private static Activity? NearestAppSpan(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Source.Name == ZapiTelemetry.Name)
            {
                return parent;
            }
        }

        return null;
    }
}
