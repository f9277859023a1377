namespace ZapiFunctions.Operations.LocalSettings;

/// <summary>
/// Where the local tools (the DevHost and <c>zapi</c>) find the repository's shared files from any directory inside it:
/// the nearest directory, walking up from the current one (then from the tool's own), that holds <c>host.json</c>
/// next to <c>ZapiFunctions.sln</c>. Never used by the Functions worker, which the host hands its settings.
/// </summary>
public static class LocalRepository
{
    /// <summary>The settings files, most specific first: your own, then the sample (which points at the local Azurite).</summary>
    public static readonly string[] SettingsFileNames = ["local.settings.json", "local.settings.sample.json"];

    /// <summary>The repository root above <paramref name="directory"/> (by default the current one) or the tool; null when neither is inside one.</summary>
    public static string? Root(string? directory = null)
    {
        foreach (var start in new[] { directory ?? Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "host.json")) && File.Exists(Path.Combine(dir.FullName, "ZapiFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The settings file to read: in <paramref name="directory"/> if it holds one, else at the repository root;
    /// null when there is none.
    /// </summary>
    public static string? SettingsFile(string directory)
    {
        string?[] places = [directory, Root(directory)];
        return places.OfType<string>()
            .SelectMany(place => SettingsFileNames.Select(name => Path.GetFullPath(Path.Combine(place, name))))
            .FirstOrDefault(File.Exists);
    }
}
