using ZapiFunctions.Operations.LocalSettings;

namespace ZapiFunctions.UnitTests.Operations;

/// <summary>zapi and the DevHost find the repository's settings from any directory inside it.</summary>
public sealed class LocalRepositoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zapi-repo-").FullName;

    public LocalRepositoryTests()
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), "{}");
        File.WriteAllText(Path.Combine(_root, "ZapiFunctions.sln"), string.Empty);
        File.WriteAllText(Path.Combine(_root, "local.settings.sample.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_root, "src", "deep"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void From_a_folder_inside_the_repository_the_root_s_settings_are_found()
    {
        var deep = Path.Combine(_root, "src", "deep");

        Assert.Equal(_root, LocalRepository.Root(deep));
        Assert.Equal(Path.Combine(_root, "local.settings.sample.json"), LocalRepository.SettingsFile(deep));
    }

    [Fact]
    public void Your_own_local_settings_come_before_the_sample_and_a_file_in_the_folder_before_the_root_s()
    {
        var deep = Path.Combine(_root, "src", "deep");
        File.WriteAllText(Path.Combine(_root, "local.settings.json"), "{}");

        Assert.Equal(Path.Combine(_root, "local.settings.json"), LocalRepository.SettingsFile(deep));

        File.WriteAllText(Path.Combine(deep, "local.settings.sample.json"), "{}");
        Assert.Equal(Path.Combine(deep, "local.settings.sample.json"), LocalRepository.SettingsFile(deep));
    }
}
