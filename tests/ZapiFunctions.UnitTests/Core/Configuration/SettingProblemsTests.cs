using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.UnitTests.Core.Configuration;

/// <summary>A bad setting is one line naming it as the user writes it, what is wrong and what is valid.</summary>
public sealed class SettingProblemsTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    [Theory]
    [InlineData("MaxBodyBytes", "-5", "Zapi__MaxBodyBytes ('-5') is out of range: use a whole number from 256 to 48000.")]
    [InlineData("MaxBodyBytes", "abc", "Zapi__MaxBodyBytes ('abc') is not a whole number: use one from 256 to 48000.")]
    [InlineData("MaxBodyBytes", "1e3", "Zapi__MaxBodyBytes ('1e3') is not a whole number: use one from 256 to 48000.")]
    [InlineData("TraceSamplingRatio", "1.5", "Zapi__TraceSamplingRatio ('1.5') is out of range: use a number from 0 to 1.")]
    [InlineData("TraceSamplingRatio", "-0.1", "Zapi__TraceSamplingRatio ('-0.1') is out of range: use a number from 0 to 1.")]
    [InlineData("TraceSamplingRatio", "NaN", "Zapi__TraceSamplingRatio ('NaN') is out of range: use a number from 0 to 1.")]
    [InlineData("TraceSamplingRatio", "half", "Zapi__TraceSamplingRatio ('half') is not a number: use one from 0 to 1.")]
    [InlineData("TraceSamplingRatio", "0,5", "Zapi__TraceSamplingRatio ('0,5') is not a number: use one from 0 to 1.")]
    [InlineData("EnqueueTimeout", "5s", "Zapi__EnqueueTimeout ('5s') is not a duration (hh:mm:ss, such as 00:00:05): use one from 00:00:00.100 to 00:01:00.")]
    [InlineData("ErroredSendsQueue", "", "Zapi__ErroredSendsQueue is empty: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    [InlineData("NotifyUrl", "http://hooks.example.test", "Zapi__NotifyUrl ('http://hooks.example.test') is not an https:// URL: use an absolute https:// URL (http:// only for a loopback address, for testing), or leave it empty to turn notifications off.")]
    public void A_bad_value_is_one_line_naming_the_setting_what_is_wrong_and_what_is_valid(string property, string value, string expected)
    {
        var problems = StartupProblems.Find(SettingsHost.Build(new() { ["AzureWebJobsStorage"] = Storage, ["Zapi:" + property] = value }));

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_one_line_each()
    {
        var problems = StartupProblems.Find(SettingsHost.Build(new()
        {
            ["Zapi:MaxBodyBytes"] = "-5",
            ["Zapi:EnqueueTimeout"] = "soon",
            ["Zapi:ErroredSendsTable"] = "1table",
        }));

        Assert.Collection(
            problems,
            p => Assert.StartsWith("AzureWebJobsStorage is not set", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Zapi__EnqueueTimeout ('soon') is not a duration", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Zapi__ErroredSendsTable ('1table') is not a table name", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Zapi__MaxBodyBytes ('-5') is out of range", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Fact]
    public void Every_value_the_binder_cannot_convert_is_named_and_the_values_after_it_still_bind()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zapi:DeliveriesTimeToLive"] = "tomorrow",
            ["Zapi:MaxBodyBytes"] = "abc",
            ["Zapi:EnqueueTimeout"] = "00:00:02",
            ["Zapi:ErroredSendsRetention"] = "30.00:00:00",
        }).Build();

        var options = ZapiOptionsBinding.Bind(configuration);

        Assert.Equal(
            ["Zapi__DeliveriesTimeToLive", "Zapi__MaxBodyBytes"],
            ZapiOptionsProblems.Find(configuration, options).Select(p => p.Setting));
        Assert.Equal(TimeSpan.FromSeconds(2), options.EnqueueTimeout);
        Assert.Equal(TimeSpan.FromDays(30), options.ErroredSendsRetention);
    }

    [Theory]
    [InlineData("MaxBodyBytes")]
    [InlineData("EnqueueTimeout")]
    [InlineData("DeliveriesTimeToLive")]
    [InlineData("TraceSamplingRatio")]
    public void An_empty_value_means_not_set(string property)
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Storage, ["Zapi:" + property] = string.Empty };

        Assert.Empty(StartupProblems.Find(SettingsHost.Build(settings)));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var bound = typeof(ZapiOptions).GetProperty(property)!;
        Assert.Equal(bound.GetValue(new ZapiOptions()), bound.GetValue(ZapiOptionsBinding.Bind(configuration)));
    }

    [Theory]
    [InlineData("not a connection string")]
    [InlineData("AccountKey=c2VjcmV0LWtleS12YWx1ZQ==")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=zapist;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=not-a-url")]
    public void A_malformed_connection_string_is_named_and_never_printed(string connectionString)
    {
        var problems = StartupProblems.Find(SettingsHost.Build(new() { ["AzureWebJobsStorage"] = connectionString }));

        var problem = Assert.Single(problems);
        Assert.StartsWith("AzureWebJobsStorage is not a usable storage connection string (value not shown", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(connectionString, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:accountName", "Zapi_Storage", "AzureWebJobsStorage__accountName ('Zapi_Storage') is not a storage account name: use 3-24 lowercase letters and digits.")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "zapist.queue.core.windows.net", "AzureWebJobsStorage__queueServiceUri ('zapist.queue.core.windows.net') is not an https:// URL: use the account's queue endpoint, such as https://<account>.queue.core.windows.net.")]
    public void Identity_based_settings_are_checked_by_their_own_names(string key, string value, string expected)
    {
        var problems = StartupProblems.Find(SettingsHost.Build(new() { [key] = value }));

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Good_settings_report_nothing_and_registration_never_throws()
    {
        Assert.Empty(StartupProblems.Find(SettingsHost.Build(new() { ["AzureWebJobsStorage"] = Storage })));
        Assert.Empty(StartupProblems.Find(SettingsHost.Build(new() { ["AzureWebJobsStorage:accountName"] = "zapist" })));
    }

    [Fact]
    public void Report_writes_one_error_line_per_problem()
    {
        using var error = new StringWriter();

        var failed = StartupProblems.Report(SettingsHost.Build(new() { ["Zapi:MaxBodyBytes"] = "-5" }), error);

        Assert.True(failed);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("error: ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_of_one_setting_can_be_picked_out_by_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zapi:NotifyUrl"] = "ftp://x",
            ["Zapi:ErroredSendsTable"] = "ZapiErroredSends",
        }).Build();

        var problems = ZapiOptionsProblems.Find(configuration, ZapiOptionsBinding.Bind(configuration));

        Assert.Equal(["Zapi__NotifyUrl"], problems.Select(p => p.Setting));
    }
}
