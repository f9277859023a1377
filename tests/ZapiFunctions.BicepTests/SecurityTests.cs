using System.Text.Json.Nodes;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

public sealed class SecurityTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    [Fact]
    public void Storage_has_no_shared_key_access_no_public_blobs_and_https_tls12_only()
    {
        var account = infra.Storage.OfType("Microsoft.Storage/storageAccounts").Single()["properties"]!;

        Assert.False((bool)account["allowSharedKeyAccess"]!);
        Assert.False((bool)account["allowBlobPublicAccess"]!);
        Assert.True((bool)account["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
    }

    [Fact]
    public void The_function_app_is_https_only_tls12_with_ftp_and_basic_auth_publishing_off()
    {
        var site = infra.FunctionApp.OfType("Microsoft.Web/sites").Single()["properties"]!;
        var policies = infra.FunctionApp.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.True((bool)site["httpsOnly"]!);
        Assert.Equal("1.2", (string?)site["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)site["siteConfig"]!["ftpsState"]);
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False((bool)p["properties"]!["allow"]!));
        Assert.Equal(
            ["ftp", "scm"],
            policies.Select(p => infra.FunctionApp.String(p["name"]).Split('/')[^1]).Order());
    }

    [Fact]
    public void The_app_runs_dotnet_isolated_10_on_flex_consumption_deploying_with_its_identity()
    {
        var plan = infra.FunctionApp.OfType("Microsoft.Web/serverfarms").Single();
        var config = infra.FunctionApp.OfType("Microsoft.Web/sites").Single()["properties"]!["functionAppConfig"]!;

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal(512, infra.Main.Evaluate(infra.Main.Json["parameters"]!["instanceMemoryMB"]!["defaultValue"])!.GetValue<int>());
    }

    [Fact]
    public void The_app_identity_gets_exactly_the_four_data_roles()
    {
        var roles = infra.Roles;
        var granted = new List<string>();
        foreach (var assignment in roles.OfType("Microsoft.Authorization/roleAssignments")
                     .Where(a => (string?)a["properties"]!["principalId"] == "[parameters('appPrincipalId')]"))
        {
            Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
            var count = assignment["copy"] is { } copy ? (int)roles.Evaluate(copy["count"])!.GetValue<long>() : 1;
            for (var i = 0; i < count; i++)
            {
                granted.Add(roles.String(assignment["properties"]!["roleDefinitionId"], i).Split('/')[^1]);
            }
        }

        Assert.Equal(
            [
                "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
                "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
                "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
                "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            ],
            granted.Order());
        Assert.Contains("outputs.principalId", (string?)infra.Main.Resources
            .Single(r => (string?)r["name"] == "roles")["properties"]!["parameters"]!["appPrincipalId"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_and_telemetry_settings_are_identity_based_with_no_keys()
    {
        var settings = infra.AppSettings;

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Select(s => s.Key));
        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__clientId", settings.Select(s => s.Key));
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", settings.Select(s => s.Key));
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", settings.Select(s => s.Key));
        Assert.EndsWith(";Authorization=AAD", (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.All(settings, s => Assert.DoesNotContain("AccountKey", s.Value?.ToJsonString() ?? string.Empty, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Select(s => s.Key)); // Flex Consumption refuses it.
    }

    [Fact]
    public void Application_insights_is_workspace_based_with_local_auth_disabled()
    {
        var component = infra.Monitoring.OfType("Microsoft.Insights/components").Single()["properties"]!;

        Assert.True((bool)component["DisableLocalAuth"]!);
        Assert.NotNull(component["WorkspaceResourceId"]);
        Assert.Single(infra.Monitoring.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public void No_output_carries_a_secret()
    {
        foreach (var (name, output) in infra.Main.Json["outputs"]!.AsObject())
        {
            Assert.DoesNotContain("listKeys", output!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secure", (string?)output["type"] ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            _ = name;
        }
    }
}
