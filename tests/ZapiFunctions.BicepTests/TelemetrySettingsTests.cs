using System.Text.Json.Nodes;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

/// <summary>
/// The settings the app's own telemetry reads (<see cref="TelemetryServiceCollectionExtensions.AddZapiTelemetry"/>) and
/// the host's (host.json <c>telemetryMode</c>), as the Bicep writes them.
/// </summary>
public sealed class TelemetrySettingsTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    [Fact]
    public void The_app_exports_to_the_provisioned_application_insights_connection_string()
    {
        var setting = (string?)SettingsWith(ConnectionMarker, ClientMarker)[TelemetryServiceCollectionExtensions.ConnectionStringSetting];
        var passed = (string?)FunctionAppModule["properties"]!["parameters"]!["applicationInsightsConnectionString"]!["value"];
        var output = (string?)infra.Monitoring.Json["outputs"]!["connectionString"]!["value"];

        Assert.Equal(ConnectionMarker, setting);
        Assert.Contains("'monitoring'", passed, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.connectionString.value]", passed, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/components", output, StringComparison.Ordinal);
        Assert.EndsWith(".ConnectionString]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exporter_signs_in_with_entra_as_the_apps_user_assigned_identity()
    {
        var settings = SettingsWith(ConnectionMarker, ClientMarker);
        var written = (string?)settings[ApplicationInsightsAuthentication.Setting];
        var parsed = ApplicationInsightsAuthentication.Parse(infra.AppSettings[ApplicationInsightsAuthentication.Setting]!.GetValue<string>());
        var identityClientId = (string?)FunctionAppModule["properties"]!["parameters"]!["identityClientId"]!["value"];

        // Entra with a ClientId: ManagedIdentityCredential for that user-assigned identity, the one storage uses too.
        Assert.True(parsed.Entra);
        Assert.Equal(ArmTemplate.Unresolved, parsed.ClientId);
        Assert.Equal($"ClientId={ClientMarker};Authorization=AAD", written);
        Assert.Equal(ClientMarker, (string?)settings["AzureWebJobsStorage__clientId"]);
        Assert.Contains("'identity'", identityClientId, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.clientId.value]", identityClientId, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hosts_exporter_is_told_to_keep_every_trace()
    {
        var settings = infra.AppSettings;

        Assert.Equal("microsoft.fixed_percentage", (string?)settings["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("1.0", (string?)settings["OTEL_TRACES_SAMPLER_ARG"]);
    }

    [Fact]
    public void Host_json_turns_on_opentelemetry_and_keeps_the_hosts_per_invocation_logs_to_warnings()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;
        var levels = host["logging"]!["logLevel"]!;

        Assert.Equal("OpenTelemetry", (string?)host["telemetryMode"]);
        Assert.Equal("Warning", (string?)levels["Function"]);
        Assert.Equal("Warning", (string?)levels["Host.Results"]);
        Assert.Equal("Warning", (string?)levels["Host.Aggregator"]);
    }

    private JsonObject FunctionAppModule => infra.Main.Resources.Single(r =>
        (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == "function-app");

    private const string ConnectionMarker = "InstrumentationKey=marker";

    private const string ClientMarker = "client-id-marker";

    /// <summary>
    /// The app settings evaluated with these module parameters: a marker that comes out unchanged shows the setting
    /// is that parameter (the settings are one union() expression, so they cannot be read unevaluated).
    /// </summary>
    private JsonObject SettingsWith(string connectionString, string clientId)
    {
        var app = infra.FunctionApp.With(new Dictionary<string, JsonNode?>
        {
            ["applicationInsightsConnectionString"] = connectionString,
            ["identityClientId"] = clientId,
        });
        return app.Evaluate(app.OfType("Microsoft.Web/sites/config").Single()["properties"])!.AsObject();
    }
}
