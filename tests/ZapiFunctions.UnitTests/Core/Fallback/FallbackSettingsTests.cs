using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.UnitTests.Core.Fallback;

/// <summary><c>ZapiFallbackStorage</c> is optional, checked at start-up, and one line per problem naming it.</summary>
public sealed class FallbackSettingsTests
{
    private const string Primary = "UseDevelopmentStorage=true";
    private const string Other = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1;";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Absent_or_empty_means_no_fallback_and_the_writer_is_the_plain_storage_writer(string? value)
    {
        using var host = Host(new() { ["AzureWebJobsStorage"] = Primary, ["ZapiFallbackStorage"] = value });

        Assert.Empty(StartupProblems.Find(host));
        Assert.IsType<StorageQueueWriter>(host.GetRequiredService<IQueueWriter>());
        Assert.False(host.GetRequiredService<FallbackRecovery>().IsConfigured);
    }

    [Theory]
    [InlineData("ZapiFallbackStorage", Other)]
    [InlineData("ZapiFallbackStorage:accountName", "zapifallback")]
    [InlineData("ZapiFallbackStorage:queueServiceUri", "https://zapifallback.queue.core.windows.net")]
    public void Set_the_writer_falls_back_and_the_primary_writer_stays_available_undecorated(string key, string value)
    {
        using var host = Host(new() { ["AzureWebJobsStorage"] = Primary, [key] = value, ["ZapiFallbackStorage:credential"] = key.Contains(':', StringComparison.Ordinal) ? "managedidentity" : null });

        Assert.Empty(StartupProblems.Find(host));
        Assert.IsType<FallbackQueueWriter>(host.GetRequiredService<IQueueWriter>());
        Assert.IsType<StorageQueueWriter>(host.GetRequiredKeyedService<IQueueWriter>(FallbackStorage.PrimaryWriterKey));
        Assert.True(host.GetRequiredService<FallbackRecovery>().IsConfigured);
    }

    [Theory]
    [InlineData("ZapiFallbackStorage:accountName", "Zapi_Fallback", "ZapiFallbackStorage__accountName ('Zapi_Fallback') is not a storage account name: use 3-24 lowercase letters and digits.")]
    [InlineData("ZapiFallbackStorage:queueServiceUri", "zapifallback.queue.core.windows.net", "ZapiFallbackStorage__queueServiceUri ('zapifallback.queue.core.windows.net') is not an https:// URL: use the account's queue endpoint, such as https://<account>.queue.core.windows.net.")]
    [InlineData("ZapiFallbackStorage:clientId", "00000000-0000-0000-0000-000000000001", "ZapiFallbackStorage is incomplete: set ZapiFallbackStorage to a storage connection string, or ZapiFallbackStorage__accountName (or ZapiFallbackStorage__queueServiceUri) for identity-based access; or remove every ZapiFallbackStorage setting to leave it off.")]
    public void A_bad_value_is_one_start_up_line_naming_the_setting_as_users_write_it(string key, string value, string expected)
    {
        using var host = Host(new() { ["AzureWebJobsStorage"] = Primary, [key] = value });

        Assert.Equal([expected], StartupProblems.Find(host));
    }

    [Fact]
    public void A_malformed_connection_string_is_named_and_never_printed()
    {
        const string Bad = "AccountName=zapifallback;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=::";
        using var host = Host(new() { ["AzureWebJobsStorage"] = Primary, ["ZapiFallbackStorage"] = Bad });

        var problem = Assert.Single(StartupProblems.Find(host));

        Assert.StartsWith("ZapiFallbackStorage is not a usable storage connection string (value not shown: it may hold a key)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Theory]
    [InlineData("ZapiFallbackStorage", Primary)]
    [InlineData("ZapiFallbackStorage:queueServiceUri", "http://127.0.0.1:10001/devstoreaccount1/")]
    public void A_fallback_on_the_primary_s_own_queue_endpoint_is_refused(string key, string value)
    {
        using var host = Host(new() { ["AzureWebJobsStorage"] = Primary, [key] = value });

        Assert.Equal(
            ["ZapiFallbackStorage names the same queue endpoint as AzureWebJobsStorage: use a second storage account (ideally in another region), or leave ZapiFallbackStorage empty for no fallback."],
            StartupProblems.Find(host));
    }

    [Fact]
    public void Its_problems_are_reported_with_the_others_at_once()
    {
        using var host = Host(new() { ["Zapi:MaxBodyBytes"] = "-5", ["ZapiFallbackStorage:accountName"] = "X" });

        Assert.Collection(
            StartupProblems.Find(host),
            p => Assert.StartsWith("AzureWebJobsStorage is not set", p, StringComparison.Ordinal),
            p => Assert.StartsWith("ZapiFallbackStorage__accountName ('X') is not a storage account name", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Zapi__MaxBodyBytes ('-5') is out of range", p, StringComparison.Ordinal));
    }

    private static ServiceProvider Host(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddZapiFunctions(configuration, TransportSecurity.Application)
            .BuildServiceProvider();
    }
}
