using System.Net;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>The DevHost listens where ASP.NET Core's own settings say, as a real process reached over HTTP.</summary>
public sealed class DevHostUrlsEndToEndTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public Task The_urls_argument_is_where_the_devhost_listens() =>
        AssertListensAsync(new DevHostStart { Args = ["--urls=" + DevHostStart.Url] });

    [Fact]
    public Task The_ASPNETCORE_URLS_variable_is_where_the_devhost_listens() =>
        AssertListensAsync(new DevHostStart { Environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = DevHostStart.Url } });

    /// <summary>StartAsync reaches the DevHost only at the address given by <paramref name="start"/> (no --DevHost:Urls).</summary>
    private async Task AssertListensAsync(DevHostStart start)
    {
        await using var devHost = await DevHostProcess.StartAsync(_azurite, start);

        using var live = await devHost.Client.GetAsync(new Uri("/api/healthz/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var output = await devHost.OutputUntilAsync(
            line => line.Contains("Now listening on: " + devHost.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal),
            "the 'Now listening on' line");
        Assert.DoesNotContain(output, line => line.Contains(":7071", StringComparison.Ordinal));
    }
}
