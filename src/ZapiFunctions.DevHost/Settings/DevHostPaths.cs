using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Operations.LocalSettings;

namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// Where the shared files are: <c>--DevHost:SettingsFile</c> / <c>--DevHost:HostJson</c> when given, else the
/// repository root's <c>local.settings.json</c> (or, failing that, <c>local.settings.sample.json</c>) and <c>host.json</c>.
/// </summary>
internal static class DevHostPaths
{
    public static string SettingsFile(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Existing(configured);
        }

        var root = RepositoryRoot();
        return LocalRepository.SettingsFileNames.Select(name => Path.Combine(root, name)).FirstOrDefault(File.Exists) is { } found
            ? Path.GetFullPath(found)
            : Existing(Path.Combine(root, LocalRepository.SettingsFileNames[^1]));
    }

    public static string HostJson(string? configured) =>
        Existing(string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot(), "host.json") : configured);

    private static string Existing(string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidSettingsException($"{path} does not exist: give an existing file (--DevHost:SettingsFile, --DevHost:HostJson).");

    private static string RepositoryRoot() => LocalRepository.Root() ?? throw new InvalidSettingsException(
        "The DevHost cannot find the repository root (host.json next to ZapiFunctions.sln); pass --DevHost:SettingsFile and --DevHost:HostJson.");
}
