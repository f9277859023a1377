using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

/// <summary>infra/main.parameters.json (azd's <c>${VAR=default}</c> placeholders) against the compiled main.bicep.</summary>
public sealed partial class ParametersFileTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly JsonObject Values =
        JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "main.parameters.json")))!["parameters"]!.AsObject();

    [Fact]
    public void Every_parameter_it_sets_is_declared_by_main_bicep()
    {
        var declared = infra.Main.Json["parameters"]!.AsObject().Select(p => p.Key);

        Assert.All(Values.Select(v => v.Key), name => Assert.Contains(name, declared));
    }

    [Theory]
    [InlineData("backlogAgeAlertMinutes", "ZAPI_BACKLOG_AGE_ALERT_MINUTES")]
    [InlineData("silenceAlertHours", "ZAPI_SILENCE_ALERT_HOURS")]
    public void The_alert_parameters_come_from_azd_environment_variables(string parameter, string variable)
    {
        var placeholder = Placeholder().Match((string)Values[parameter]!["value"]!);

        Assert.True(placeholder.Success);
        Assert.Equal(variable, placeholder.Groups["name"].Value);
        Assert.True(placeholder.Groups["default"].Success, $"{parameter} has no default in main.parameters.json");
    }

    [Fact]
    public void Every_azd_default_equals_the_main_bicep_default()
    {
        foreach (var (name, value) in Values)
        {
            var placeholder = Placeholder().Match((string)value!["value"]!);
            var declared = infra.Main.Json["parameters"]![name]!;
            if (!placeholder.Groups["default"].Success || declared["defaultValue"] is not { } defaultValue)
            {
                continue;
            }

            var bicepDefault = infra.Main.String(defaultValue);
            Assert.True(placeholder.Groups["default"].Value == bicepDefault, $"{name}: azd default '{placeholder.Groups["default"].Value}', main.bicep default '{bicepDefault}'");
        }
    }

    [GeneratedRegex("""^\$\{(?<name>[A-Z0-9_]+)(=(?<default>[^}]*))?\}$""")]
    private static partial Regex Placeholder();
}
