using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// Says at start-up how the endpoint is protected and what is off, so an open configuration is never silent, and names
/// each <c>Zapi__*</c> setting that the app does not read with the closest one it does.
/// </summary>
internal sealed partial class IngestStartupReport(
    IOptions<ZapiOptions> options, TransportSecurity transport, ILogger<IngestStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var key in options.Value.Unknown)
        {
            LogUnknownSetting(logger, ZapiOptions.SettingName(key), ZapiOptions.SettingName(ZapiOptionsBinding.Closest(key)));
        }

        var allowed = options.Value.AllowedInstanceIdSet();
        if (allowed.Count == 0)
        {
            LogAllowAll(logger);
        }
        else
        {
            LogAllowList(logger, allowed.Count);
        }

        if (!options.Value.StoresDeliveries())
        {
            LogDeliveriesOff(logger);
        }

        if (transport == TransportSecurity.Platform)
        {
            LogHttpsByPlatform(logger);
        }
        else if (transport == TransportSecurity.Unchecked)
        {
            LogHttpsOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Zapi__AllowedInstanceIds is empty: callbacks from every Z-API instance are accepted. Set it to your instance ids.")]
    private static partial void LogAllowAll(ILogger logger);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning,
        Message = "Zapi__DeliveriesQueue is empty: delivered callbacks are answered 200 and not kept anywhere. Set it to a queue name to keep them for a consumer.")]
    private static partial void LogDeliveriesOff(ILogger logger);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning,
        Message = "{Setting} is not a setting the app reads, so it is ignored: did you mean {Closest}?")]
    private static partial void LogUnknownSetting(ILogger logger, string setting, string closest);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Accepting callbacks from {Count} allowed instance(s)")]
    private static partial void LogAllowList(ILogger logger, int count);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Plain HTTP is refused by the platform (httpsOnly); the handler does not check the scheme")]
    private static partial void LogHttpsByPlatform(ILogger logger);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning,
        Message = "DevHost:RequireHttps is false: plain-HTTP callbacks are accepted from any address. Use this only for local development.")]
    private static partial void LogHttpsOff(ILogger logger);
}
