using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Core.Privacy;

/// <summary>Base of the privacy tests: each test gets its own Azurite and the <see cref="PrivacyStorage"/> on it.</summary>
public abstract class PrivacyStorageTests : IAsyncLifetime
{
    private protected Azurite Azurite { get; private set; } = null!;

    private protected PrivacyStorage Storage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Storage = new PrivacyStorage(Azurite);
    }

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}
