using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>The Functions app's own service configuration, built in-process as the worker builds it.</summary>
public sealed class AppSettingsTests
{
    [Fact]
    public void A_bad_setting_stops_the_worker_with_one_line_naming_it_and_exit_code_2()
    {
        var builder = Worker.Builder(new()
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=zapist;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=nope",
            ["Zapi__MaxBodyBytes"] = "-5",
        });
        using var error = new StringWriter();

        var exit = ZapiFunctionsApp.Run(builder, error);

        Assert.Equal(2, exit);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Collection(
            lines,
            l => Assert.StartsWith("error: AzureWebJobsStorage is not a usable storage connection string (value not shown", l, StringComparison.Ordinal),
            l => Assert.Equal("error: Zapi__MaxBodyBytes ('-5') is out of range: use a whole number from 256 to 48000.", l));
        Assert.DoesNotContain("c2VjcmV0", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_sample_configures_the_app_without_problems()
    {
        var sample = SampleValues();
        using var host = ZapiFunctionsApp.Configure(Worker.Builder(sample)).Build();

        Assert.Empty(StartupProblems.Find(host.Services));
        var options = host.Services.GetRequiredService<IOptions<ZapiOptions>>().Value;
        Assert.Equal(sample["Zapi__ErroredSendsQueue"], options.ErroredSendsQueue);
        Assert.Equal(sample["Zapi__MaxBodyBytes"], options.MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(sample["Zapi__ErroredSendsRetention"], options.ErroredSendsRetention.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
    }


    private static Dictionary<string, string?> SampleValues()
    {
        var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Testing.RepositoryRoot.Path, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
    }
}
