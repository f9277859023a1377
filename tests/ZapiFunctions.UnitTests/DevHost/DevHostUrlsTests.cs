using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ZapiFunctions.DevHost.Settings;

namespace ZapiFunctions.UnitTests.DevHost;

public sealed class DevHostUrlsTests
{
    [Fact]
    public void Nothing_given_is_loopback_on_the_functions_port_set_by_the_devhost()
    {
        var urls = DevHostUrls.Resolve(Configuration(new()));

        Assert.Equal(new DevHostUrls("http://127.0.0.1:7071", "default"), urls);
        Assert.False(urls.AppliedByAspNetCore);
    }

    [Fact]
    public void The_urls_key_is_aspnetcore_s_own_and_left_to_it()
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["urls"] = "http://127.0.0.1:5001;http://[::1]:5001" }));

        Assert.Equal(new DevHostUrls("http://127.0.0.1:5001;http://[::1]:5001", "urls"), urls);
        Assert.True(urls.AppliedByAspNetCore);
    }

    [Fact]
    public void DevHost_Urls_is_an_alias_the_devhost_applies()
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["DevHost:Urls"] = "http://127.0.0.1:5002" }));

        Assert.Equal(new DevHostUrls("http://127.0.0.1:5002", "DevHost:Urls"), urls);
        Assert.False(urls.AppliedByAspNetCore);
    }

    [Fact]
    public void Http_and_https_ports_expand_as_aspnetcore_expands_them()
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["http_ports"] = "8080; 8081", ["https_ports"] = "8443" }));

        Assert.Equal(new DevHostUrls("http://*:8080;http://*:8081;https://*:8443", "http_ports/https_ports"), urls);
        Assert.True(urls.AppliedByAspNetCore);
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:5001")]
    [InlineData("DevHost:Urls", "http://127.0.0.1:5002")]
    public void Urls_or_its_alias_win_over_ports(string key, string value)
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["http_ports"] = "8080", [key] = value }));

        Assert.Equal(new DevHostUrls(value, key), urls);
    }

    [Fact]
    public void In_one_source_urls_wins_over_the_alias()
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["DevHost:Urls"] = "http://127.0.0.1:5002", ["urls"] = "http://127.0.0.1:5001" }));

        Assert.Equal("urls", urls.Source);
    }

    [Fact]
    public void Between_sources_the_later_one_wins_like_any_setting()
    {
        // e.g. ASPNETCORE_URLS in the environment, then --DevHost:Urls on the command line: the command line wins.
        var aliasLater = DevHostUrls.Resolve(Configuration(new() { ["urls"] = "http://127.0.0.1:5001" }, new() { ["DevHost:Urls"] = "http://127.0.0.1:5002" }));
        var urlsLater = DevHostUrls.Resolve(Configuration(new() { ["DevHost:Urls"] = "http://127.0.0.1:5002" }, new() { ["urls"] = "http://127.0.0.1:5001" }));

        Assert.Equal(new DevHostUrls("http://127.0.0.1:5002", "DevHost:Urls"), aliasLater);
        Assert.Equal(new DevHostUrls("http://127.0.0.1:5001", "urls"), urlsLater);
    }

    [Fact]
    public void Empty_values_count_as_not_given()
    {
        var urls = DevHostUrls.Resolve(Configuration(new() { ["urls"] = " ", ["DevHost:Urls"] = "", ["http_ports"] = "" }));

        Assert.Equal("default", urls.Source);
    }

    [Fact]
    public void The_command_line_urls_of_a_real_builder_reach_kestrel_untouched()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:5003"]);

        var urls = DevHostUrls.Resolve(builder.Configuration);
        urls.ApplyTo(builder.WebHost);

        Assert.Equal(new DevHostUrls("http://127.0.0.1:5003", "urls"), urls);
        Assert.Equal("http://127.0.0.1:5003", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Theory]
    [InlineData(new string[0], "http://127.0.0.1:7071")]
    [InlineData(new[] { "--DevHost:Urls=http://127.0.0.1:5004" }, "http://127.0.0.1:5004")]
    public void The_alias_or_the_default_is_set_on_a_real_builder(string[] args, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        DevHostUrls.Resolve(builder.Configuration).ApplyTo(builder.WebHost);

        Assert.Equal(expected, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    /// <summary>One in-memory source, or two where <paramref name="later"/> is added after <paramref name="first"/>.</summary>
    private static IConfigurationRoot Configuration(Dictionary<string, string?> first, Dictionary<string, string?>? later = null)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(first);
        if (later is not null)
        {
            builder.AddInMemoryCollection(later);
        }

        return builder.Build();
    }
}
