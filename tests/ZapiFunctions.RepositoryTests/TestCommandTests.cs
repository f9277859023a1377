using System.Text.RegularExpressions;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>test.sh, .ci/run and ZapiFunctions.sln agree: CI runs the README's command, which tests every project.</summary>
public sealed partial class TestCommandTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string[] ProjectFolders = ["src", "tests", "bench"];

    [Fact]
    public void Test_sh_takes_its_projects_from_the_solution_and_never_searches_the_tree_for_project_files()
    {
        var commands = Commands(File.ReadAllText(Path.Combine(Root, "test.sh")));

        Assert.DoesNotContain(commands, line => FindCommand().IsMatch(line));
        Assert.DoesNotContain(commands, line => line.Contains("*.csproj", StringComparison.Ordinal));
        Assert.DoesNotContain(commands, line => line.Contains("**", StringComparison.Ordinal));
        Assert.Contains("solution=ZapiFunctions.sln", commands);
        Assert.Contains("dotnet restore \"$solution\"", commands);
        Assert.Contains("dotnet format \"$solution\" --verify-no-changes --no-restore", commands);
        Assert.Contains(commands, line => line.StartsWith("dotnet build \"$solution\" --no-restore", StringComparison.Ordinal));
        Assert.Contains(commands, line => line.StartsWith("dotnet test \"$solution\" --no-build", StringComparison.Ordinal));
        Assert.Contains("echo \"tests: $passed passed, $failed failed, $skipped skipped\"", commands);
    }

    [Fact]
    public void Ci_execs_exactly_the_command_in_the_readme_test_section()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("\n## Test\n", StringComparison.Ordinal)..];
        var block = FencedBlock().Match(section);
        Assert.True(block.Success, "README's Test section has no code block");
        var readmeCommand = Assert.Single(block.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var ci = Commands(File.ReadAllText(Path.Combine(Root, ".ci", "run")));

        Assert.Equal("./test.sh", readmeCommand);
        Assert.Equal("exec " + readmeCommand, ci[^1]);
        Assert.Single(ci, line => line.Contains("test", StringComparison.Ordinal));
        Assert.Contains("cd \"$(dirname \"$0\")/..\"", ci);
    }

    [Fact]
    public void Every_project_under_src_tests_and_bench_outside_obj_and_bin_is_in_the_solution()
    {
        var inSolution = SolutionProject().Matches(File.ReadAllText(Path.Combine(Root, "ZapiFunctions.sln")))
            .Select(match => match.Groups["path"].Value.Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        var onDisk = ProjectFolders
            .Select(folder => Path.Combine(Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(segment => segment is "obj" or "bin"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(onDisk);
        Assert.Empty(onDisk.Except(inSolution).Order(StringComparer.Ordinal));
        Assert.All(inSolution, path => Assert.True(File.Exists(Path.Combine(Root, path)), $"{path} is in ZapiFunctions.sln but not on disk"));
    }

    /// <summary>The script's lines without comment lines and indentation.</summary>
    private static List<string> Commands(string script) =>
        script.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

    [GeneratedRegex(@"(^|[\s;|&(`])find\s")]
    private static partial Regex FindCommand();

    [GeneratedRegex(@"```(bash|sh)?\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]+"", ""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
