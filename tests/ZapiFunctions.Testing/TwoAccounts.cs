using Xunit;

namespace ZapiFunctions.Testing;

/// <summary>
/// The primary and the fallback storage account (AzureWebJobsStorage and ZapiFallbackStorage): one Azurite each,
/// shared by a test class's tests (<c>IClassFixture&lt;TwoAccounts&gt;</c>).
/// </summary>
public sealed class TwoAccounts : IAsyncLifetime
{
    public Azurite Primary { get; private set; } = null!;

    public Azurite Fallback { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(Azurite.StartAsync(), Azurite.StartAsync());
        (Primary, Fallback) = (started[0], started[1]);
    }

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Fallback.DisposeAsync();
    }
}
