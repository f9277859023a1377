using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// Where Kestrel listens, by ASP.NET Core's own conventions: the <c>urls</c> key (<c>--urls</c>,
/// <c>ASPNETCORE_URLS</c>), else <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>,
/// <c>ASPNETCORE_HTTPS_PORTS</c>), else <see cref="Default"/>, the port <c>func start</c> uses.
/// <c>DevHost:Urls</c> is an alias of <c>urls</c>: where both are given, the later configuration source wins
/// (command line over environment over local.settings.json), and in the same source <c>urls</c> does.
/// </summary>
internal sealed record DevHostUrls(string Urls, string Source)
{
    /// <summary>The address when none is configured: loopback only, the Functions host's local port.</summary>
    public const string Default = "http://127.0.0.1:7071";

    /// <summary>The configuration key of the DevHost's own alias.</summary>
    public const string AliasKey = "DevHost:Urls";

    // ASP.NET Core's keys (WebHostDefaults.ServerUrlsKey, HttpPortsKey, HttpsPortsKey).
    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";
    private const string HttpsPortsKey = "https_ports";

    /// <summary>
    /// True when the addresses come from ASP.NET Core's own keys, which Kestrel applies itself; false when the
    /// DevHost must set them (the alias or the default).
    /// </summary>
    public bool AppliedByAspNetCore => Source is not (AliasKey or "default");

    /// <summary>Resolves the addresses from <paramref name="configuration"/> (an <see cref="IConfigurationRoot"/> keeps source order).</summary>
    public static DevHostUrls Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Given(configuration, UrlsKey, AliasKey) is { } given)
        {
            return given;
        }

        var ports = Ports(configuration[HttpPortsKey], "http").Concat(Ports(configuration[HttpsPortsKey], "https")).ToList();
        return ports.Count > 0
            ? new DevHostUrls(string.Join(';', ports), HttpPortsKey + "/" + HttpsPortsKey)
            : new DevHostUrls(Default, "default");
    }

    /// <summary>Sets the addresses on <paramref name="webHost"/> unless ASP.NET Core applies them itself.</summary>
    public void ApplyTo(IWebHostBuilder webHost)
    {
        ArgumentNullException.ThrowIfNull(webHost);
        if (!AppliedByAspNetCore)
        {
            webHost.UseUrls(Urls);
        }
    }

    /// <summary>The value of <paramref name="standard"/> or <paramref name="alias"/> from the last source that gives either.</summary>
    private static DevHostUrls? Given(IConfiguration configuration, string standard, string alias)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (provider.TryGet(standard, out var urls) && !string.IsNullOrWhiteSpace(urls))
                {
                    return new DevHostUrls(urls, standard);
                }

                if (provider.TryGet(alias, out var aliased) && !string.IsNullOrWhiteSpace(aliased))
                {
                    return new DevHostUrls(aliased, alias);
                }
            }

            return null;
        }

        return !string.IsNullOrWhiteSpace(configuration[standard]) ? new DevHostUrls(configuration[standard]!, standard)
            : !string.IsNullOrWhiteSpace(configuration[alias]) ? new DevHostUrls(configuration[alias]!, alias)
            : null;
    }

    /// <summary>Ports as ASP.NET Core expands them: <c>8080;8081</c> is <c>http://*:8080;http://*:8081</c>.</summary>
    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(port => scheme + "://*:" + port);
}
