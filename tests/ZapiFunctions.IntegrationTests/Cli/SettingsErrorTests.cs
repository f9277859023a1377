using System.Text.Json.Nodes;
using ZapiFunctions.Cli;
using ZapiFunctions.IntegrationTests.Cli.Support;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary>A bad setting is one line naming it, exit 2, and only the settings a command uses are checked.</summary>
public sealed class SettingsErrorTests : IDisposable
{
    private readonly string _settings = Path.Combine(Path.GetTempPath(), $"zapi-cli-settings-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_settings);

    [Fact]
    public async Task A_bad_setting_the_command_uses_is_one_line_naming_it_and_exit_2()
    {
        Write(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Zapi__ErroredSendsTable"] = "1table" });

        var (code, output, error) = await ZapiTool.RunAsync(null, "errored", "list", "--settings", _settings);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal(
            $"error: Zapi__ErroredSendsTable ('1table') is not a table name: use 3-63 letters and digits, starting with a letter. (Settings read: {_settings} and environment variables.)",
            error.TrimEnd());
    }

    [Fact]
    public async Task A_malformed_storage_connection_string_is_named_without_printing_its_key()
    {
        Write(new() { ["AzureWebJobsStorage"] = "AccountName=zapist;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=::" });

        var (code, _, error) = await ZapiTool.RunAsync(null, "queues", "stats", "--settings", _settings);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: AzureWebJobsStorage is not a usable storage connection string", line, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_file_that_is_not_json_is_one_line_and_exit_2()
    {
        await File.WriteAllTextAsync(_settings, "{ \"Values\": { \"AzureWebJobsStorage\": ");

        var (code, _, error) = await ZapiTool.RunAsync(null, "poison", "peek", "--settings", _settings);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.Equal($"error: Settings file '{_settings}' is not valid JSON (line 1): fix it, or give another file with --settings.", line);
    }

    [Fact]
    public async Task Missing_storage_is_one_line_saying_what_to_set()
    {
        Write([]);

        var (code, _, error) = await ZapiTool.RunAsync(null, "poison", "peek", "--settings", _settings);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: AzureWebJobsStorage is not set: set it to a storage connection string", line, StringComparison.Ordinal);
        Assert.EndsWith($"(Settings read: {_settings} and environment variables.)", line, StringComparison.Ordinal);
    }

    private void Write(Dictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            json[key] = value;
        }

        File.WriteAllText(_settings, new JsonObject { ["Values"] = json }.ToJsonString());
    }

    private static string[] Lines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        return lines;
    }
}
