namespace ZapiFunctions.Testing;

/// <summary>
/// How a test starts the DevHost beyond the defaults: extra arguments (after the defaults, so they win) and
/// environment variables. <see cref="Url"/> in either stands for the free loopback address the test reaches the
/// DevHost at; when nothing names it, the address is passed as <c>--DevHost:Urls</c>.
/// </summary>
public sealed record DevHostStart
{
    /// <summary>The placeholder for the DevHost's address, e.g. <c>--urls={url}</c>.</summary>
    public const string Url = "{url}";

    /// <summary>Extra command-line arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>True when an argument or variable carries the address, so the default one is not added.</summary>
    public bool NamesUrl =>
        Args.Any(arg => arg.Contains(Url, StringComparison.Ordinal))
        || Environment.Values.Any(value => value.Contains(Url, StringComparison.Ordinal));

    /// <summary>
    /// Variables of the test runner's environment that would change where the DevHost listens, what it logs, or where
    /// it exports telemetry (a developer's own Application Insights must never receive a test's).
    /// </summary>
    public static bool IsInheritedSetting(string name) =>
        name is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS" or "DOTNET_URLS"
        || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DevHost__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("APPLICATIONINSIGHTS_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("AzureMonitorExporter__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase);
}
