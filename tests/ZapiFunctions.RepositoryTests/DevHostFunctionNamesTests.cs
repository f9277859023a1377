using System.Text.RegularExpressions;
using ZapiFunctions.Testing;

namespace ZapiFunctions.RepositoryTests;

/// <summary>
/// The DevHost switches functions off by the Functions app's names (AzureWebJobs.&lt;Function&gt;.Disabled), so each name it
/// checks must be one the app declares, and each function of the app but Health must be one it can switch off.
/// </summary>
public sealed partial class DevHostFunctionNamesTests
{
    [Fact]
    public void The_DevHost_switches_off_the_Functions_apps_functions_by_their_own_names()
    {
        var app = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src", "ZapiFunctions"), "*.cs")
            .SelectMany(f => FunctionAttribute().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(name => name != "Health") // the probes always answer
            .Order(StringComparer.Ordinal)
            .ToArray();
        var devHost = SwitchCall().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "ZapiFunctions.DevHost", "DevHostApp.cs")))
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(app);
        Assert.Equal(app, devHost);
    }

    [GeneratedRegex("""\[Function\("([A-Za-z0-9]+)"\)\]""")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex("""\bOn\("([A-Za-z0-9]+)"\)""")]
    private static partial Regex SwitchCall();
}
