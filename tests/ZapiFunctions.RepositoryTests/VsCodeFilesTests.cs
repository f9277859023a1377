using System.Text.Json;
using System.Xml.Linq;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>.vscode/*.json parse (as VS Code reads them: comments, trailing commas) and point at what exists.</summary>
public sealed class VsCodeFilesTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly JsonDocumentOptions VsCodeJson = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The target framework every project builds for (Directory.Build.props), as it appears in bin paths.</summary>
    private static readonly string TargetFramework =
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("TargetFramework").Single().Value;

    [Theory]
    [InlineData("extensions.json")]
    [InlineData("settings.json")]
    [InlineData("tasks.json")]
    [InlineData("launch.json")]
    public void Each_file_parses(string file)
    {
        using var json = Load(file);

        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public void The_recommended_extensions_are_functions_csharp_bicep_azurite_and_rest_client()
    {
        using var json = Load("extensions.json");

        var recommended = json.RootElement.GetProperty("recommendations").EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal<string>(
            ["ms-azuretools.vscode-azurefunctions", "ms-dotnettools.csdevkit", "ms-azuretools.vscode-bicep", "Azurite.azurite", "humao.rest-client"],
            recommended);
    }

    [Fact]
    public void Every_task_runs_something_that_exists_in_a_folder_that_exists()
    {
        var tasks = Tasks();

        Assert.All(tasks, task =>
        {
            var label = Label(task);
            if (task.TryGetProperty("options", out var options) && options.TryGetProperty("cwd", out var cwd))
            {
                Assert.True(Directory.Exists(Resolve(cwd.GetString()!)), $"task '{label}': cwd {cwd} does not exist");
            }

            var command = task.GetProperty("command").GetString()!;
            if (IsRepositoryPath(command))
            {
                var path = Resolve(command);
                Assert.True(File.Exists(path), $"task '{label}': command {command} does not exist");
                Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"task '{label}': {command} is not executable");
            }

            foreach (var arg in task.TryGetProperty("args", out var args) ? args.EnumerateArray().Select(a => a.GetString()!) : [])
            {
                if (IsRepositoryPath(arg))
                {
                    Assert.True(Path.Exists(Resolve(arg)), $"task '{label}': argument {arg} does not exist");
                }
            }

            foreach (var dependency in task.TryGetProperty("dependsOn", out var dependsOn) ? Names(dependsOn) : [])
            {
                Assert.Contains(dependency, tasks.Select(Label));
            }
        });
    }

    [Fact]
    public void The_tasks_build_start_the_functions_host_in_the_project_after_a_build_and_run_run_sh_and_test_sh()
    {
        var tasks = Tasks().ToDictionary(Label);

        var build = Assert.Contains("build", tasks);
        Assert.Equal("dotnet", build.GetProperty("command").GetString());
        Assert.Equal("build", build.GetProperty("args")[0].GetString());

        var func = Assert.Contains("func: host start", tasks);
        Assert.Equal(Path.Combine(Root, "src", "ZapiFunctions"), Resolve(func.GetProperty("options").GetProperty("cwd").GetString()!));
        var dependency = tasks[func.GetProperty("dependsOn").GetString()!];
        Assert.Equal("build", dependency.GetProperty("args")[0].GetString());

        Assert.Contains(tasks.Values, task => task.GetProperty("command").GetString() == "./run.sh" && !task.TryGetProperty("args", out _));
        Assert.Contains(tasks.Values, task => task.GetProperty("command").GetString() == "./test.sh");
    }

    [Fact]
    public void Launch_attaches_to_the_functions_worker_and_launches_the_built_devhost()
    {
        using var json = Load("launch.json");
        var configurations = json.RootElement.GetProperty("configurations").EnumerateArray().ToList();
        var labels = Tasks().Select(Label).ToList();

        var attach = Assert.Single(configurations, c => c.GetProperty("name").GetString() == "Attach to .NET Functions");
        Assert.Equal("coreclr", attach.GetProperty("type").GetString());
        Assert.Equal("attach", attach.GetProperty("request").GetString());
        Assert.Equal("${command:azureFunctions.pickProcess}", attach.GetProperty("processId").GetString());

        var devHost = Assert.Single(configurations, c => c.GetProperty("request").GetString() == "launch");
        Assert.Equal("coreclr", devHost.GetProperty("type").GetString());
        Assert.Contains(devHost.GetProperty("preLaunchTask").GetString(), labels);
        Assert.Equal(
            Path.Combine(Root, "src", "ZapiFunctions.DevHost", "bin", "Debug", TargetFramework, "ZapiFunctions.DevHost.dll"),
            Resolve(devHost.GetProperty("program").GetString()!));
        Assert.True(File.Exists(Path.Combine(Root, "src", "ZapiFunctions.DevHost", "ZapiFunctions.DevHost.csproj")));
        Assert.True(Directory.Exists(Resolve(devHost.GetProperty("cwd").GetString()!)));
    }

    [Fact]
    public void Settings_point_the_functions_extension_at_the_functions_project()
    {
        using var json = Load("settings.json");
        var settings = json.RootElement;

        var project = settings.GetProperty("azureFunctions.projectSubpath").GetString()!;
        Assert.Contains("<AzureFunctionsVersion>v4</AzureFunctionsVersion>", File.ReadAllText(Path.Combine(Root, project, "ZapiFunctions.csproj")), StringComparison.Ordinal);
        Assert.Equal($"{project}/bin/Release/{TargetFramework}/publish", settings.GetProperty("azureFunctions.deploySubpath").GetString());
        Assert.Equal("C#", settings.GetProperty("azureFunctions.projectLanguage").GetString());
        Assert.Equal("~4", settings.GetProperty("azureFunctions.projectRuntime").GetString());
        Assert.Contains(settings.GetProperty("azureFunctions.preDeployTask").GetString(), Tasks().Select(Label));
    }

    private static JsonDocument Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, ".vscode", file)), VsCodeJson);

    private static List<JsonElement> Tasks()
    {
        using var json = Load("tasks.json");
        return json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.Clone()).ToList();
    }

    /// <summary>A task's name as VS Code shows it: its label, or "func: &lt;command&gt;" for the Functions extension's task type.</summary>
    private static string Label(JsonElement task) =>
        task.TryGetProperty("label", out var label)
            ? label.GetString()!
            : $"{task.GetProperty("type").GetString()}: {task.GetProperty("command").GetString()}";

    private static IEnumerable<string> Names(JsonElement dependsOn) =>
        dependsOn.ValueKind == JsonValueKind.Array ? dependsOn.EnumerateArray().Select(d => d.GetString()!) : [dependsOn.GetString()!];

    private static bool IsRepositoryPath(string value) =>
        value.StartsWith("./", StringComparison.Ordinal) || value.Contains("${workspaceFolder}", StringComparison.Ordinal);

    private static string Resolve(string value) =>
        Path.GetFullPath(value.Replace("${workspaceFolder}", Root, StringComparison.Ordinal), Root);
}
