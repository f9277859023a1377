using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.UnitTests.Core.Privacy;

/// <summary><c>Zapi__ErroredSendsRetention</c>: 90 days by default, at least a day, one line when wrong.</summary>
public sealed class RetentionSettingsTests
{
    [Fact]
    public void The_default_is_90_days() => Assert.Equal(TimeSpan.FromDays(90), Resolve(null));

    [Theory]
    [InlineData("1.00:00:00", 1)]
    [InlineData("30", 30)]
    [InlineData("3650.00:00:00", 3650)]
    public void A_retention_of_days_binds(string value, int days) => Assert.Equal(TimeSpan.FromDays(days), Resolve(value));

    [Theory]
    [InlineData("12:00:00", "Zapi__ErroredSendsRetention ('12:00:00') is out of range: use a duration (d.hh:mm:ss, such as 90.00:00:00) from 1.00:00:00 to 3650.00:00:00.")]
    [InlineData("3651.00:00:00", "Zapi__ErroredSendsRetention ('3651.00:00:00') is out of range: use a duration (d.hh:mm:ss, such as 90.00:00:00) from 1.00:00:00 to 3650.00:00:00.")]
    [InlineData("90d", "Zapi__ErroredSendsRetention ('90d') is not a duration (d.hh:mm:ss, such as 90.00:00:00): use one from 1.00:00:00 to 3650.00:00:00.")]
    public void A_bad_retention_is_one_line_naming_the_setting(string value, string expected)
    {
        using var services = Services(value);

        Assert.Equal([expected], StartupProblems.Find(services));
    }

    private static TimeSpan Resolve(string? value)
    {
        using var services = Services(value);
        return services.GetRequiredService<IOptions<ZapiOptions>>().Value.ErroredSendsRetention;
    }

    private static ServiceProvider Services(string? value) => new ServiceCollection()
        .AddZapiOptions(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Zapi:ErroredSendsRetention"] = value })
            .Build())
        .BuildServiceProvider();
}
