using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using ZapiFunctions.Cli.Tests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.Cli.Tests;

/// <summary>infra/hooks/register-webhook.sh, the azd postdeploy hook, run by bash with stand-ins for az and zapi.</summary>
public sealed class AzdHookTests : IAsyncLifetime
{
    private static readonly string Hook = Path.Combine(RepositoryRoot.Path, "infra", "hooks", "register-webhook.sh");
    private readonly string _bin = Directory.CreateTempSubdirectory("zapi-hook-bin-").FullName;
    private FakeZapi _zapi = null!;

    public async Task InitializeAsync()
    {
        _zapi = await FakeZapi.StartAsync();

        // `az` answers the function key; `zapi` is this build of the tool.
        await WriteExecutable("az", "#!/usr/bin/env bash\necho FUNCTIONKEY\n");
        await WriteExecutable("zapi", $"#!/usr/bin/env bash\nexec dotnet \"{ToolAssembly()}\" \"$@\"\n");
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_bin, recursive: true);
        await _zapi.DisposeAsync();
    }

    [Fact]
    public async Task Without_zapi_settings_the_hook_skips_with_a_message_and_succeeds()
    {
        var (code, output) = await RunHook(new Dictionary<string, string>());

        Assert.Equal(0, code);
        Assert.Contains("Skipping Z-API webhook registration", output, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task With_zapi_settings_the_hook_registers_the_deployed_url_with_its_function_key()
    {
        var (code, output) = await RunHook(new Dictionary<string, string>
        {
            ["ZAPI_INSTANCE_ID"] = "INSTANCE1",
            ["ZAPI_INSTANCE_TOKEN"] = "TOKENSECRET",
            ["ZAPI_BASE_URL"] = _zapi.BaseAddress.ToString(),
            ["AZURE_RESOURCE_GROUP"] = "rg",
            ["AZURE_FUNCTION_APP_NAME"] = "func-zapi",
            ["ZAPI_WEBHOOK_URL"] = "https://func-zapi.azurewebsites.net/api/zapi/on-send",
        });

        Assert.True(code == 0, output);
        var request = Assert.Single(_zapi.Requests);
        Assert.Equal("/instances/INSTANCE1/token/TOKENSECRET/update-webhook-delivery", request.PathAndQuery);
        Assert.Equal(
            "https://func-zapi.azurewebsites.net/api/zapi/on-send?code=FUNCTIONKEY",
            JsonDocument.Parse(request.Body).RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain("FUNCTIONKEY", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKENSECRET", output, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output)> RunHook(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Hook);
        foreach (var name in new[] { "ZAPI_INSTANCE_ID", "ZAPI_INSTANCE_TOKEN", "ZAPI_CLIENT_TOKEN", "ZAPI_BASE_URL", "ZAPI_WEBHOOK_URL", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["PATH"] = _bin + Path.PathSeparator + start.Environment["PATH"];
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The tool as built in its own project (its runtimeconfig names the frameworks it needs).</summary>
    private static string ToolAssembly()
    {
        var configuration = typeof(AzdHookTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "src", "ZapiFunctions.Cli", "bin", configuration, "net10.0", "zapi.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/ZapiFunctions.Cli first.", path);
    }

    private async Task WriteExecutable(string name, string content)
    {
        var path = Path.Combine(_bin, name);
        await File.WriteAllTextAsync(path, content);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The azd hook is a bash script; these tests run on Linux and macOS.");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
