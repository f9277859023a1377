using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// Who refuses plain HTTP on the DevHost: with no platform in front, the handler does, for non-loopback callers, unless
/// <c>DevHost:RequireHttps</c> is false (e.g. a phone on the LAN posting to the DevHost). A DevHost setting, not a
/// <c>Zapi</c> one: under Functions the platform's <c>httpsOnly</c> decides and the app never judges the scheme.
/// </summary>
internal static class DevHostTransport
{
    public const string RequireHttpsSetting = "DevHost:RequireHttps";

    public static TransportSecurity From(IConfiguration configuration) =>
        configuration.GetValue(RequireHttpsSetting, true) ? TransportSecurity.Application : TransportSecurity.Unchecked;
}
