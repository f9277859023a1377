using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests.Deploy;

/// <summary>infra/hooks/register-webhook.sh, the azd postdeploy hook, run by bash with stand-ins for az and zapi.</summary>
public sealed class AzdHookTests : IAsyncLifetime
{
    private static readonly string Hook = Path.Combine(RepositoryRoot.Path, "infra", "hooks", "register-webhook.sh");
    private readonly string _bin = Directory.CreateTempSubdirectory("zapi-hook-bin-").FullName;
    private readonly List<string> _directories = [];
    private FakeZapi _zapi = null!;

    private Dictionary<string, string> ZapiSettings => new()
    {
        ["ZAPI_INSTANCE_ID"] = "INSTANCE1",
        ["ZAPI_INSTANCE_TOKEN"] = "TOKENSECRET",
        ["ZAPI_BASE_URL"] = _zapi.BaseAddress.ToString(),
        ["AZURE_RESOURCE_GROUP"] = "rg",
        ["AZURE_FUNCTION_APP_NAME"] = "func-zapi",
        ["ZAPI_WEBHOOK_URL"] = "https://func-zapi.azurewebsites.net/api/zapi/on-send",
    };

    public async Task InitializeAsync()
    {
        _zapi = await FakeZapi.StartAsync();

        // `az` answers the function key (and anything else, such as `az account show`); `zapi` is this build of the
        // tool. Absolute paths in the stand-ins, so that they also run with a PATH holding nothing but stand-ins.
        await WriteExecutable(_bin, "az", $"#!{Which("bash")}\necho FUNCTIONKEY\n");
        await WriteExecutable(_bin, "zapi", $"#!{Which("bash")}\nexec \"{Which("dotnet")}\" \"{ToolAssembly()}\" \"$@\"\n");
        await WriteExecutable(_bin, "dotnet", $"#!{Which("bash")}\nexec \"{Which("dotnet")}\" \"$@\"\n");
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_bin, recursive: true);
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }

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
    public async Task Without_zapi_settings_the_hook_skips_even_with_none_of_its_tools_installed()
    {
        var (code, output) = await RunHook(new Dictionary<string, string>(), StandIns());

        Assert.Equal(0, code);
        Assert.Contains("Skipping Z-API webhook registration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_az_the_hook_says_in_one_line_that_az_is_missing_and_how_to_get_it()
    {
        var (code, output) = await RunHook(ZapiSettings, StandIns("zapi", "dotnet"));

        Assert.Equal(1, code);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("register-webhook: 'az' (the Azure CLI) is not installed; install it", line, StringComparison.Ordinal);
        Assert.Contains("or register by hand: see README, Register the webhook", line, StringComparison.Ordinal);
        Assert.DoesNotContain("function key", line, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task Without_zapi_or_dotnet_the_hook_says_in_one_line_that_the_tool_is_missing_and_how_to_get_it()
    {
        var (code, output) = await RunHook(ZapiSettings, StandIns("az"));

        Assert.Equal(1, code);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("register-webhook: neither 'zapi' nor 'dotnet' is installed; install the .NET 10 SDK", line, StringComparison.Ordinal);
        Assert.Contains("or register by hand: see README, Register the webhook", line, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task Without_zapi_the_hook_runs_the_tool_with_dotnet_so_dotnet_alone_is_enough_to_pass_the_tool_check()
    {
        // The stand-in `dotnet` fails at once, before any build: this proves the check passed and dotnet was chosen.
        var bin = StandIns("az");
        await WriteExecutable(bin, "dotnet", $"#!{Which("bash")}\necho \"stand-in dotnet $*\"\nexit 7\n");

        var (code, output) = await RunHook(ZapiSettings, bin);

        Assert.Equal(7, code);
        Assert.Contains("stand-in dotnet run --project", output, StringComparison.Ordinal);
        Assert.Contains("webhook register", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTIONKEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_az_logged_out_the_hook_says_in_one_line_to_run_az_login_instead_of_blaming_the_app()
    {
        var bin = StandIns("zapi");
        await WriteExecutable(bin, "az", $"#!{Which("bash")}\necho 'ERROR: Please run az login to setup account.' >&2\nexit 1\n");

        var (code, output) = await RunHook(ZapiSettings, bin);

        Assert.Equal(1, code);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("register-webhook: the Azure CLI is not logged in", line, StringComparison.Ordinal);
        Assert.Contains("run az login", line, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task With_zapi_settings_the_hook_registers_the_deployed_apps_per_instance_url_with_its_function_key()
    {
        var (code, output) = await RunHook(ZapiSettings);

        Assert.True(code == 0, output);
        var request = Assert.Single(_zapi.Requests);
        Assert.Equal("/instances/INSTANCE1/token/TOKENSECRET/update-webhook-delivery", request.PathAndQuery);
        Assert.Equal(
            "https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY",
            JsonDocument.Parse(request.Body).RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain("FUNCTIONKEY", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKENSECRET", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deployed_url_with_the_instance_placeholder_is_registered_filled_in_and_without_a_key_warning()
    {
        var settings = ZapiSettings;
        settings["ZAPI_WEBHOOK_URL"] = "https://func-zapi.azurewebsites.net/api/instance/{instanceId}/delivery";

        var (code, output) = await RunHook(settings);

        Assert.True(code == 0, output);
        Assert.Equal(
            "https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY",
            JsonDocument.Parse(Assert.Single(_zapi.Requests).Body).RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain("warning", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTIONKEY", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "InstanceDelivery", "https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY")]
    [InlineData("true", "OnSend", "https://func-zapi.azurewebsites.net/api/zapi/on-send?code=FUNCTIONKEY")]
    public async Task The_hook_takes_the_key_of_the_function_whose_url_it_registers(string? shared, string function, string registered)
    {
        var bin = StandIns("zapi");
        var calls = Path.Combine(bin, "az-calls");
        await WriteExecutable(bin, "az", $"#!{Which("bash")}\necho \"$*\" >> \"{calls}\"\necho FUNCTIONKEY\n");
        var settings = ZapiSettings;
        if (shared is not null)
        {
            settings["ZAPI_WEBHOOK_SHARED"] = shared;
        }

        var (code, output) = await RunHook(settings, bin + Path.PathSeparator + Path.GetDirectoryName(Which("bash")));

        Assert.True(code == 0, output);
        Assert.Contains($"--function-name {function} ", await File.ReadAllTextAsync(calls), StringComparison.Ordinal);
        Assert.Equal(registered, JsonDocument.Parse(Assert.Single(_zapi.Requests).Body).RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain("warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_only_its_stand_in_tools_on_path_the_hook_registers()
    {
        var (code, output) = await RunHook(ZapiSettings, StandIns("az", "zapi"));

        Assert.True(code == 0, output);
        Assert.Single(_zapi.Requests);
    }

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A fresh folder holding only the named stand-ins, to be the whole PATH.</summary>
    private string StandIns(params string[] tools)
    {
        var directory = Directory.CreateTempSubdirectory("zapi-hook-path-").FullName;
        _directories.Add(directory);
        foreach (var tool in tools)
        {
            var target = Path.Combine(directory, tool);
            File.Copy(Path.Combine(_bin, tool), target);
            MakeExecutable(target);
        }

        return directory;
    }

    /// <summary>
    /// Runs the hook with <paramref name="environment"/>; with <paramref name="path"/>, that is the whole PATH,
    /// else the stand-ins come first on the usual PATH.
    /// </summary>
    private async Task<(int Code, string Output)> RunHook(Dictionary<string, string> environment, string? path = null)
    {
        var start = new ProcessStartInfo(Which("bash")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Hook);
        foreach (var name in new[] { "ZAPI_INSTANCE_ID", "ZAPI_INSTANCE_TOKEN", "ZAPI_CLIENT_TOKEN", "ZAPI_BASE_URL", "ZAPI_WEBHOOK_URL", "ZAPI_WEBHOOK_URL_PER_INSTANCE", "ZAPI_WEBHOOK_SHARED", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["PATH"] = path ?? _bin + Path.PathSeparator + start.Environment["PATH"];
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

    /// <summary>The absolute path of <paramref name="name"/> on this process's PATH.</summary>
    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"'{name}' is not on PATH; the hook tests need it.", name);

    private static async Task WriteExecutable(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, content);
        MakeExecutable(path);
    }

    private static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The azd hook is a bash script; these tests run on Linux and macOS.");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
