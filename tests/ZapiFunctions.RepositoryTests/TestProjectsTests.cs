using System.Xml.Linq;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>The test projects are cut by what they need, so one group can be run alone (docs/development.md, Test).</summary>
public sealed class TestProjectsTests
{
    private static readonly string Tests = Path.Combine(RepositoryRoot.Path, "tests");

    [Theory]
    [InlineData("Azurite")]
    [InlineData("DevHostProcess")]
    [InlineData("ProcessStartInfo")]
    [InlineData("Process.Start")]
    public void Unit_tests_start_no_Azurite_and_no_process(string needle)
    {
        var offenders = Sources("ZapiFunctions.UnitTests")
            .Where(file => File.ReadAllText(file).Contains(needle, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Tests, file))
            .ToList();

        Assert.True(offenders.Count == 0, $"{needle} in the unit tests (move the test to IntegrationTests or EndToEndTests): {string.Join(", ", offenders)}");
    }

    [Theory]
    [InlineData("ZapiFunctions.UnitTests")]
    [InlineData("ZapiFunctions.IntegrationTests")]
    [InlineData("ZapiFunctions.EndToEndTests")]
    [InlineData("ZapiFunctions.ReliabilityTests")]
    [InlineData("ZapiFunctions.BicepTests")]
    [InlineData("ZapiFunctions.RepositoryTests")]
    public void A_test_project_references_only_the_code_under_test_and_the_shared_support(string project)
    {
        var references = XDocument.Load(Path.Combine(Tests, project, project + ".csproj"))
            .Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .ToList();

        Assert.All(references, r => Assert.True(
            r == "ZapiFunctions.Testing" || !r.EndsWith("Tests", StringComparison.Ordinal),
            $"{project} references the test project {r}: move what they share to ZapiFunctions.Testing"));
    }

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(Path.Combine(Tests, project), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
