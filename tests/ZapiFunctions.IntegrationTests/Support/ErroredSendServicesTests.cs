using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Support;

/// <summary>
/// Base of tests of the errored-send services as both hosts register them (<c>AddZapiErroredSends</c>, with fake
/// logging), against a real Azurite and a real local notify endpoint. Each test gets its own. The notify pipeline is
/// production's with shorter waits, so a failing endpoint costs milliseconds here.
/// </summary>
public abstract class ErroredSendServicesTests : IAsyncLifetime
{
    protected Azurite Azurite { get; private set; } = null!;

    protected NotifyEndpoint Notify { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Notify = await NotifyEndpoint.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Zapi:NotifyUrl"] = Notify.Url.ToString(),
        }).Build();
        var services = new ServiceCollection().AddFakeLogging();
        AddServices(services);
        services.AddZapiFunctions(configuration, TransportSecurity.Application);
        services.PostConfigure<HttpStandardResilienceOptions>($"{ErroredSendNotifier.ClientName}-standard", o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
        Services = services.BuildServiceProvider();
        await OnStartedAsync();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Notify.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>Registers services of the test's own before <c>AddZapiErroredSends</c> (which keeps them).</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>Every row of the errored-sends table.</summary>
    protected async Task<List<TableEntity>> Rows()
    {
        var table = new TableClient(Azurite.ConnectionString, "ZapiErroredSends");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs once <see cref="Services"/> is built, before the test.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;
}
