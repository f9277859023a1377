using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests.Support;

/// <summary>The pinned Bicep CLI from the Azure.Bicep.CommandLine NuGet package.</summary>
internal static class Bicep
{
    public static string Executable { get; } = Locate();

    public static string InfraDirectory { get; } = Path.Combine(RepositoryRoot.Path, "infra");

    /// <summary>Runs the CLI; returns exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = InfraDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Compiles a template to ARM JSON.</summary>
    public static JsonObject Build(string file)
    {
        var output = Path.Combine(Path.GetTempPath(), $"zapi-bicep-{Guid.NewGuid():N}.json");
        try
        {
            var (code, text) = Run("build", file, "--outfile", output);
            if (code != 0)
            {
                throw new InvalidOperationException($"bicep build {file} failed ({code}):\n{text}");
            }

            return JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string Locate()
    {
        var path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Bicep CLI not found at '{path}': the Azure.Bicep.CommandLine.linux-x64 package should have been restored.");
        }

        // NuGet does not always keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }
}
