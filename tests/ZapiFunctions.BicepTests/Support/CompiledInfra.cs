using System.Text.Json.Nodes;

namespace ZapiFunctions.BicepTests.Support;

/// <summary>infra/main.bicep compiled once for all tests (the build takes a few seconds).</summary>
public sealed class CompiledInfra
{
    public CompiledInfra()
    {
        Main = ArmTemplate.Root(Bicep.Build("main.bicep"), new Dictionary<string, JsonNode?>
        {
            ["environmentName"] = "test",
        });
    }

    internal ArmTemplate Main { get; }

    internal ArmTemplate Storage => Main.Module("storage");

    internal ArmTemplate FunctionApp => Main.Module("function-app");

    internal ArmTemplate Monitoring => Main.Module("monitoring");

    internal ArmTemplate Roles => Main.Module("roles");

    internal ArmTemplate Alerts => Main.Module("alerts");

    internal ArmTemplate Workbook => Main.Module("workbook");

    /// <summary>The alerts module as deployed with these main.bicep parameters (the same build, evaluated again).</summary>
    internal ArmTemplate AlertsWith(IReadOnlyDictionary<string, JsonNode?> parameters) => Main.With(parameters).Module("alerts");

    /// <summary>The function app's app settings, evaluated.</summary>
    internal JsonObject AppSettings
    {
        get
        {
            var config = FunctionApp.OfType("Microsoft.Web/sites/config").Single();
            return FunctionApp.Evaluate(config["properties"])!.AsObject();
        }
    }
}
