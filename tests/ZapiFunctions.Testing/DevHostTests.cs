using Xunit;

namespace ZapiFunctions.Testing;

/// <summary>
/// Base of tests against Azurite and the DevHost as real processes: each test gets its own Azurite and a DevHost
/// started against it (with <see cref="DevHostStart"/> options, if given), both disposed after the test.
/// </summary>
/// <param name="start">How to start the DevHost; null for the defaults.</param>
public abstract class DevHostTests(DevHostStart? start = null) : IAsyncLifetime
{
    /// <summary>The test's Azurite.</summary>
    protected Azurite Azurite { get; private set; } = null!;

    /// <summary>The test's DevHost, against <see cref="Azurite"/>.</summary>
    protected DevHostProcess DevHost { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        DevHost = await DevHostProcess.StartAsync(Azurite, start);
    }

    public async Task DisposeAsync()
    {
        await DevHost.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
