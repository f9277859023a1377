using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Ingest;

/// <summary>The deliveries queue turned off (<c>Zapi__DeliveriesQueue</c> empty): delivered callbacks are acknowledged, not stored.</summary>
public sealed partial class OnSendHandler
{
    /// <summary>The 200 status of a delivered callback acknowledged without being stored.</summary>
    public const string IgnoredStatus = "ignored";

    private AcceptedResult Ignore(string requestId, DeliveryCallback callback, Activity? activity)
    {
        _metrics.Received(IgnoredStatus, "delivered", callback);
        activity?.SetTag("zapi.outcome", IgnoredStatus);
        activity?.SetTag("zapi.reason", "delivered");
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var (id, instance, _) = callback.Loggable();
            LogIgnored(_logger, requestId, id, instance);
        }
        return new AcceptedResult(new IngestAccepted(IgnoredStatus, requestId));
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "Delivered callback {MessageId} from instance {InstanceId} acknowledged and not stored: Zapi__DeliveriesQueue is empty (request {RequestId})")]
    private static partial void LogIgnored(ILogger logger, string requestId, string messageId, string instanceId);
}
