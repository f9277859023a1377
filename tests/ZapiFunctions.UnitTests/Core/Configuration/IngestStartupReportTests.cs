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
}
