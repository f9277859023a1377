using ZapiFunctions.Core.Configuration;

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
        var local = Path.Combine(root, "local.settings.json");
        return File.Exists(local) ? local : Existing(Path.Combine(root, "local.settings.sample.json"));
    }

    public static string HostJson(string? configured) =>
        Existing(string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot(), "host.json") : configured);

    private static string Existing(string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidSettingsException($"{path} does not exist: give an existing file (--DevHost:SettingsFile, --DevHost:HostJson).");

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "host.json")) && File.Exists(Path.Combine(dir.FullName, "ZapiFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidSettingsException(
            "The DevHost cannot find the repository root (host.json next to ZapiFunctions.sln); pass --DevHost:SettingsFile and --DevHost:HostJson.");
    }
}
