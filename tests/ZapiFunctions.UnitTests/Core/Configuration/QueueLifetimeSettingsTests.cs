using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.UnitTests.Core.Configuration;

/// <summary>Queue time-to-live settings, the deliveries queue switched off, the dead-letters table name.</summary>
public sealed class QueueLifetimeSettingsTests
{
    private static readonly TimeSpan NeverInSdk = TimeSpan.FromSeconds(-1);

    [Fact]
    public void By_default_nothing_expires_and_dead_letters_go_to_ZapiDeadLetters()
    {
        var options = Resolve([]);
        var ttl = new QueueTimeToLive(options);

        Assert.True(QueueTimeToLive.IsNever(options.DeliveriesTimeToLive));
        Assert.True(QueueTimeToLive.IsNever(options.ErroredSendsTimeToLive));
        Assert.Equal(NeverInSdk, ttl.For("zapi-deliveries"));
        Assert.Equal(NeverInSdk, ttl.For("zapi-errored-sends"));
        Assert.Equal(NeverInSdk, ttl.For("some-other-queue"));
        Assert.Equal("ZapiDeadLetters", options.DeadLettersTable);
    }

    [Theory]
    [InlineData("-1", -1)]
    [InlineData("-00:00:01", -1)]
    [InlineData("00:00:01", 1)]
    [InlineData("01:00:00", 3600)]
    [InlineData("7.00:00:00", 604800)]
    [InlineData("24855.03:14:07", int.MaxValue)]
    public void A_time_to_live_is_negative_for_never_or_at_least_a_second(string value, int sdkSeconds)
    {
        var options = Resolve(new() { ["Zapi:DeliveriesTimeToLive"] = value, ["Zapi:ErroredSendsTimeToLive"] = value });
        var ttl = new QueueTimeToLive(options);

        Assert.Equal(TimeSpan.FromSeconds(sdkSeconds), ttl.For(options.DeliveriesQueue));
        Assert.Equal(TimeSpan.FromSeconds(sdkSeconds), ttl.For(options.ErroredSendsQueue));
    }

    [Fact]
    public void Each_queue_gets_its_own_time_to_live()
    {
        var ttl = new QueueTimeToLive(Resolve(new() { ["Zapi:DeliveriesTimeToLive"] = "02:00:00" }));

        Assert.Equal(TimeSpan.FromHours(2), ttl.For("zapi-deliveries"));
        Assert.Equal(NeverInSdk, ttl.For("zapi-errored-sends"));
    }

    [Theory]
    [InlineData("DeliveriesTimeToLive", "00:00:00", "Zapi__DeliveriesTimeToLive ('00:00:00') is out of range: use -1 to keep messages until they are read, or a duration from 00:00:01 to 24855.03:14:07 (d.hh:mm:ss, such as 7.00:00:00).")]
    [InlineData("ErroredSendsTimeToLive", "00:00:00.500", "Zapi__ErroredSendsTimeToLive ('00:00:00.500') is out of range: use -1 to keep messages until they are read, or a duration from 00:00:01 to 24855.03:14:07 (d.hh:mm:ss, such as 7.00:00:00).")]
    [InlineData("ErroredSendsTimeToLive", "30000.00:00:00", "Zapi__ErroredSendsTimeToLive ('30000.00:00:00') is out of range: use -1 to keep messages until they are read, or a duration from 00:00:01 to 24855.03:14:07 (d.hh:mm:ss, such as 7.00:00:00).")]
    [InlineData("DeliveriesTimeToLive", "7d", "Zapi__DeliveriesTimeToLive ('7d') is not a duration (hh:mm:ss, such as 00:00:05).")]
    [InlineData("DeadLettersTable", "dead-letters", "Zapi__DeadLettersTable ('dead-letters') is not a table name: use 3-63 letters and digits, starting with a letter.")]
    public void A_bad_value_is_one_line_naming_the_setting(string property, string value, string expected)
    {
        var problems = StartupProblems.Find(SettingsHost.Build(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Zapi:" + property] = value }));

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void An_empty_deliveries_queue_is_valid_and_turns_that_queue_off()
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Zapi:DeliveriesQueue"] = string.Empty };

        using var host = SettingsHost.Build(settings);
        var options = host.GetRequiredService<IOptions<ZapiOptions>>().Value;

        Assert.Empty(StartupProblems.Find(host));
        Assert.False(options.StoresDeliveries());
        Assert.Equal(["zapi-errored-sends"], options.IngestQueues());
        Assert.Equal(["zapi-deliveries", "zapi-errored-sends"], new ZapiOptions().IngestQueues());
    }

    private static ZapiOptions Resolve(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection()
            .AddZapiOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<ZapiOptions>>().Value;
    }
}
