using System.Text.Json.Nodes;
using ZapiFunctions.Cli;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli.Support;

/// <summary>
/// Base of the tool's tests against storage: each test gets its own Azurite and a settings file in the
/// local.settings.json format whose AzureWebJobsStorage points at it; <see cref="Run"/> runs the tool with that file.
/// </summary>
public abstract class AzuriteSettingsTests : IAsyncLifetime
{
    /// <summary>The test's Azurite, which the settings file names.</summary>
    protected Azurite Storage { get; private set; } = null!;

    /// <summary>The settings file given to the tool with <c>--settings</c>.</summary>
    protected string SettingsFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Storage = await Azurite.StartAsync();
        SettingsFile = Path.Combine(Path.GetTempPath(), $"zapi-cli-{Guid.NewGuid():N}.json");
        await WriteSettingsAsync([]);
    }

    public async Task DisposeAsync()
    {
        File.Delete(SettingsFile);
        await Storage.DisposeAsync();
    }

    /// <summary>Runs the tool with the settings file.</summary>
    protected Task<(int ExitCode, string Out, string Error)> Run(params string[] args) =>
        ZapiTool.RunAsync(null, [.. args, "--settings", SettingsFile]);

    /// <summary>Writes the settings file: AzureWebJobsStorage, then <paramref name="extra"/>.</summary>
    protected async Task WriteSettingsAsync(Dictionary<string, string> extra)
    {
        var values = new JsonObject { ["AzureWebJobsStorage"] = Storage.ConnectionString };
        foreach (var (name, value) in extra)
        {
            values[name] = value;
        }

        await File.WriteAllTextAsync(SettingsFile, new JsonObject { ["Values"] = values }.ToJsonString());
    }
}
