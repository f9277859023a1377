using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Configuration;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_names()
    {
        var options = Resolve([]);

        Assert.Equal("zapi-deliveries", options.DeliveriesQueue);
        Assert.Equal("zapi-errored-sends", options.ErroredSendsQueue);
        Assert.Equal(48000, options.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.EnqueueTimeout);
        Assert.Empty(options.AllowedInstanceIdSet());
        Assert.Equal("ZapiErroredSends", options.ErroredSendsTable);
        Assert.Null(options.NotifyUrl);
        Assert.Equal(1.0, options.TraceSamplingRatio);
    }

    [Theory]
    [InlineData("https://hooks.example.test/zapi")]
    [InlineData("http://127.0.0.1:5055/hook")]
    [InlineData("")]
    public void Notify_url_may_be_https_loopback_http_or_empty(string url) =>
        Assert.Equal(url, Resolve(new() { ["Zapi:NotifyUrl"] = url }).NotifyUrl ?? string.Empty);

    [Theory]
    [InlineData("http://hooks.example.test/zapi")]
    [InlineData("hooks.example.test/zapi")]
    [InlineData("ftp://hooks.example.test")]
    public void Notify_url_that_is_not_https_is_refused(string url)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Zapi:NotifyUrl"] = url }));

        Assert.Contains("Zapi__NotifyUrl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_bind_from_the_app_setting_names()
    {
        var options = Resolve(new()
        {
            ["Zapi:DeliveriesQueue"] = "ok-queue",
            ["Zapi:AllowedInstanceIds"] = " a , b ,,",
            ["Zapi:MaxBodyBytes"] = "1024",
            ["Zapi:EnqueueTimeout"] = "00:00:02",
            ["Zapi:TraceSamplingRatio"] = "0.25",
        });

        Assert.Equal("ok-queue", options.DeliveriesQueue);
        Assert.Equal(["a", "b"], options.AllowedInstanceIdSet().Order());
        Assert.Equal(1024, options.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), options.EnqueueTimeout);
        Assert.Equal(0.25, options.TraceSamplingRatio);
    }

    [Theory]
    [InlineData("Zapi:DeliveriesQueue", "Bad_Queue", "Zapi__DeliveriesQueue ('Bad_Queue') is not a Storage queue name")]
    [InlineData("Zapi:ErroredSendsQueue", "a--b", "Zapi__ErroredSendsQueue ('a--b') is not a Storage queue name")]
    [InlineData("Zapi:ErroredSendsTable", "1table", "Zapi__ErroredSendsTable ('1table') is not a table name")]
    [InlineData("Zapi:MaxBodyBytes", "10", "Zapi__MaxBodyBytes ('10') is out of range: use a whole number from 256 to 48000.")]
    [InlineData("Zapi:EnqueueTimeout", "00:05:00", "Zapi__EnqueueTimeout ('00:05:00') is out of range: use a duration (hh:mm:ss, such as 00:00:05) from 00:00:00.100 to 00:01:00.")]
    [InlineData("Zapi:TraceSamplingRatio", "2", "Zapi__TraceSamplingRatio ('2') is out of range: use a number from 0 to 1.")]
    public void Invalid_settings_fail_naming_the_setting(string key, string value, string named)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TransportSecurity.Application, 403)]
    [InlineData(TransportSecurity.Platform, 415)]
    [InlineData(TransportSecurity.Unchecked, 415)]
    public async Task The_registered_handler_judges_the_scheme_only_when_the_application_is_to(TransportSecurity transport, int status)
    {
        var configuration = Configuration(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        using var services = new ServiceCollection()
            .AddLogging()
            .AddZapiFunctions(configuration, transport)
            .BuildServiceProvider();

        // Plain HTTP from another address, and not JSON: refused for the scheme, or else for the media type.
        var request = TestHttp.Request("x", contentType: "text/plain", https: false);
        var result = await services.GetRequiredService<OnSendHandler>().HandleAsync(request, CancellationToken.None);

        Assert.Equal(status, (await TestHttp.ExecuteAsync(result, request)).Status);
    }

    [Fact]
    public void Require_https_is_no_Zapi_setting() =>
        Assert.DoesNotContain(typeof(ZapiOptions).GetProperties(), p => p.Name.Contains("Https", StringComparison.Ordinal));

    [Fact]
    public void Missing_storage_setting_is_reported_at_start_up_saying_what_to_set()
    {
        using var services = new ServiceCollection().AddLogging()
            .AddZapiFunctions(Configuration([]), TransportSecurity.Application)
            .BuildServiceProvider();

        var problem = Assert.Single(StartupProblems.Find(services));
        Assert.StartsWith("AzureWebJobsStorage is not set", problem, StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_based_storage_uses_account_name_or_explicit_service_uri()
    {
        var byAccount = StorageConnection.From(Configuration(new() { ["AzureWebJobsStorage:accountName"] = "zapist" }));
        var byUri = StorageConnection.From(Configuration(new()
        {
            ["AzureWebJobsStorage:queueServiceUri"] = "https://q.example.test",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        }));

        Assert.Null(byAccount.ConnectionString);
        Assert.Equal(new Uri("https://zapist.queue.core.windows.net"), byAccount.ServiceUri("queue"));
        Assert.Equal(new Uri("https://zapist.table.core.windows.net"), byAccount.ServiceUri("table"));
        Assert.Equal(new Uri("https://q.example.test"), byUri.ServiceUri("queue"));
        var services = new ServiceCollection();
        services.AddAzureClients(_ => { });
        using var provider = services.BuildServiceProvider();
        var credentials = provider.GetRequiredService<AzureComponentFactory>();
        Assert.Equal("https://q.example.test/", byUri.QueueService(new QueueClientOptions(), credentials).Uri.ToString());
        Assert.Equal("https://zapist.table.core.windows.net/", byAccount.TableService(new TableClientOptions(), credentials).Uri.ToString());
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(credentials.CreateTokenCredential(Configuration(new()
        {
            ["AzureWebJobsStorage:credential"] = "managedidentity",
        }).GetSection("AzureWebJobsStorage")));
    }

    private static ZapiOptions Resolve(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection().AddZapiOptions(Configuration(settings)).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ZapiOptions>>().Value;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
