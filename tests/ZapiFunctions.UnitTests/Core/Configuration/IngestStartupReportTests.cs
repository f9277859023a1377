using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.UnitTests.Core.Configuration;

public sealed class IngestStartupReportTests
{
    [Theory]
    [InlineData(TransportSecurity.Application, null)]
    [InlineData(TransportSecurity.Platform, "Plain HTTP is refused by the platform (httpsOnly); the handler does not check the scheme")]
    [InlineData(TransportSecurity.Unchecked, "DevHost:RequireHttps is false: plain-HTTP callbacks are accepted from any address. Use this only for local development.")]
    public async Task Start_up_says_who_refuses_plain_http(TransportSecurity transport, string? expected)
    {
        var logger = new FakeLogger<IngestStartupReport>();

        await new IngestStartupReport(Options.Create(new ZapiOptions { AllowedInstanceIds = "inst-a" }), transport, logger).StartAsync(CancellationToken.None);

        var https = logger.Collector.GetSnapshot().Where(r => r.Message.Contains("HTTP", StringComparison.Ordinal)).ToList();
        if (expected is null)
        {
            Assert.Empty(https);
        }
        else
        {
            var record = Assert.Single(https);
            Assert.Equal(expected, record.Message);
            Assert.Equal(transport == TransportSecurity.Unchecked ? LogLevel.Warning : LogLevel.Information, record.Level);
        }
    }

    [Theory]
    [InlineData("MaxBodyByte", "Zapi__MaxBodyByte is not a setting the app reads, so it is ignored: did you mean Zapi__MaxBodyBytes?")]
    [InlineData("AllowedInstanceId", "Zapi__AllowedInstanceId is not a setting the app reads, so it is ignored: did you mean Zapi__AllowedInstanceIds?")]
    [InlineData("notifyurl2", "Zapi__notifyurl2 is not a setting the app reads, so it is ignored: did you mean Zapi__NotifyUrl?")]
    public async Task A_mistyped_setting_is_one_warning_naming_the_closest_setting(string key, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zapi:" + key] = "1024",
            ["Zapi:maxbodybytes"] = "2048",
        }).Build();
        var logger = new FakeLogger<IngestStartupReport>();

        var options = ZapiOptionsBinding.Bind(configuration);
        await new IngestStartupReport(Options.Create(options), TransportSecurity.Application, logger).StartAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1106);
        Assert.Equal(expected, warning.Message);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(2048, options.MaxBodyBytes); // a known setting in any case is read, and not warned about
    }
}
