using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;

namespace ZapiFunctions.BicepTests;

/// <summary>
/// main.bicep's <c>fallbackLocation</c>, evaluated both ways from the one build: set, a second account with the two
/// ingest queues, the app's queue role on it and the <c>ZapiFallbackStorage__*</c> settings; empty (the default), none.
/// </summary>
public sealed class FallbackStorageTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private const string Module = "fallback-storage";
    private const string Region = "westeurope";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

    private static readonly ZapiOptions Defaults = new();

    private ArmTemplate WithFallback => infra.Main.With(new Dictionary<string, JsonNode?> { ["fallbackLocation"] = Region });

    [Fact]
    public void By_default_there_is_no_fallback_account_role_or_setting()
    {
        Assert.Equal(string.Empty, infra.Main.String(infra.Main.Json["parameters"]!["fallbackLocation"]!["defaultValue"]));
        Assert.DoesNotContain(Module, Deployments(infra.Main));
        Assert.DoesNotContain(AppSettings(infra.Main), s => s.Key.StartsWith(FallbackStorage.SettingName, StringComparison.Ordinal));
        Assert.Equal(string.Empty, infra.Main.String(infra.Main.Json["outputs"]!["ZAPI_FALLBACK_STORAGE_ACCOUNT_NAME"]!["value"]));
    }

    [Fact]
    public void With_a_location_a_second_account_there_holds_the_two_ingest_queues()
    {
        var main = WithFallback;
        var fallback = main.Module(Module);
        var account = fallback.OfType("Microsoft.Storage/storageAccounts").Single();
        var queues = fallback.OfType("Microsoft.Storage/storageAccounts/queueServices/queues")
            .Select(q => fallback.String(q["name"]).Split('/')[^1]);

        Assert.Contains(Module, Deployments(main));
        Assert.Equal(Region, fallback.String(account["location"]));
        Assert.StartsWith("stzapifb", fallback.String(account["name"]), StringComparison.Ordinal);
        Assert.NotEqual(infra.Storage.String(infra.Storage.OfType("Microsoft.Storage/storageAccounts").Single()["name"]), fallback.String(account["name"]));
        Assert.Equal([Defaults.DeliveriesQueue, Defaults.ErroredSendsQueue], queues.Order());
    }

    [Fact]
    public void The_fallback_account_has_the_primary_s_security_settings()
    {
        var fallback = WithFallback.Module(Module).OfType("Microsoft.Storage/storageAccounts").Single();
        var primary = infra.Storage.OfType("Microsoft.Storage/storageAccounts").Single();

        // Network access is the one difference: the primary follows vnetEnabled (private endpoints in this region);
        // the fallback, in another region, stays on its public endpoint, reachable with the identity only.
        var primaryProperties = infra.Storage.Evaluate(primary["properties"])!.AsObject();
        var fallbackProperties = fallback["properties"]!.DeepClone().AsObject();
        foreach (var network in new[] { "publicNetworkAccess", "networkAcls" })
        {
            primaryProperties.Remove(network);
            fallbackProperties.Remove(network);
        }

        Assert.True(JsonNode.DeepEquals(primaryProperties, fallbackProperties), fallbackProperties.ToJsonString());
        Assert.Equal("Enabled", (string?)fallback["properties"]!["publicNetworkAccess"]);
        Assert.True(JsonNode.DeepEquals(primary["sku"], fallback["sku"]));
        Assert.False((bool)fallback["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)fallback["properties"]!["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)fallback["properties"]!["minimumTlsVersion"]);
    }

    [Fact]
    public void The_app_identity_gets_only_Queue_Data_Contributor_on_it_and_no_one_else_by_default()
    {
        var main = WithFallback;
        var fallback = main.Module(Module);
        var assignment = Assert.Single(fallback.Deployed("Microsoft.Authorization/roleAssignments")).Resource;

        Assert.Equal(QueueDataContributor, fallback.String(assignment["properties"]!["roleDefinitionId"]).Split('/')[^1]);
        Assert.Equal("[parameters('appPrincipalId')]", (string?)assignment["properties"]!["principalId"]);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
        Assert.Contains("storageAccounts", (string?)assignment["scope"], StringComparison.Ordinal);
        Assert.Contains("'identity'", (string?)main.Resources.Single(r => (string?)r["name"] == Module)["properties"]!["parameters"]!["appPrincipalId"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_developer_principal_gets_the_same_role_on_it_to_drain_by_hand()
    {
        var fallback = infra.Main.With(new Dictionary<string, JsonNode?> { ["fallbackLocation"] = Region, ["principalId"] = "11111111-1111-1111-1111-111111111111" }).Module(Module);

        var developer = fallback.Deployed("Microsoft.Authorization/roleAssignments")
            .Select(a => a.Resource["properties"]!)
            .Single(p => fallback.String(p["principalId"]) == "11111111-1111-1111-1111-111111111111");

        Assert.Equal(QueueDataContributor, fallback.String(developer["roleDefinitionId"]).Split('/')[^1]);
        Assert.Equal("User", fallback.String(developer["principalType"]));
    }

    [Fact]
    public void With_a_location_the_app_settings_address_it_by_the_app_identity()
    {
        var settings = AppSettings(WithFallback);
        var passed = (string?)infra.Main.Resources.Single(r => (string?)r["name"] == "function-app")["properties"]!["parameters"]!["fallbackQueueEndpoint"]!["value"];

        Assert.Equal(
            ["ZapiFallbackStorage__clientId", "ZapiFallbackStorage__credential", "ZapiFallbackStorage__queueServiceUri"],
            settings.Select(s => s.Key).Where(k => k.StartsWith(FallbackStorage.SettingName, StringComparison.Ordinal)).Order());
        Assert.Equal("managedidentity", (string?)settings["ZapiFallbackStorage__credential"]);
        Assert.Contains($"'{Module}'", passed, StringComparison.Ordinal);
        Assert.Contains("'queueEndpoint'", passed, StringComparison.Ordinal);
        Assert.Contains("parameters('identityClientId')", infra.FunctionApp.Json["variables"]!["fallbackSettings"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_it_writes_are_a_fallback_the_app_accepts()
    {
        // Deployment-time values (endpoints, the client id) filled in as Azure would.
        var values = AppSettings(WithFallback)
            .Where(s => s.Key.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) || s.Key.StartsWith(FallbackStorage.SettingName, StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)Resolve(s.Key, (string?)s.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        Assert.True(FallbackStorage.IsConfigured(configuration));
        Assert.Empty(FallbackStorage.Problems(configuration));
        Assert.Empty(StorageConnection.Problems(configuration));
    }

    [Fact]
    public void Azd_sets_it_from_ZAPI_FALLBACK_LOCATION_empty_by_default()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "main.parameters.json")))!["parameters"]!;

        Assert.Equal("${ZAPI_FALLBACK_LOCATION=}", (string?)parameters["fallbackLocation"]!["value"]);
    }

    private static IEnumerable<string> Deployments(ArmTemplate main) =>
        main.Deployed("Microsoft.Resources/deployments").Select(d => (string)d.Resource["name"]!);

    private static JsonObject AppSettings(ArmTemplate main)
    {
        var app = main.Module("function-app");
        return app.Evaluate(app.OfType("Microsoft.Web/sites/config").Single()["properties"])!.AsObject();
    }

    private static string? Resolve(string key, string? value) => value != ArmTemplate.Unresolved ? value : key switch
    {
        _ when key.EndsWith("__clientId", StringComparison.Ordinal) => "00000000-0000-0000-0000-000000000001",
        _ when key.StartsWith(FallbackStorage.SettingName, StringComparison.Ordinal) => "https://stzapifbtoken.queue.core.windows.net/",
        _ when key.EndsWith("__accountName", StringComparison.Ordinal) => "stzapitoken",
        _ => $"https://stzapitoken.{key.Split("__")[1].Replace("ServiceUri", string.Empty, StringComparison.Ordinal)}.core.windows.net/",
    };
}
