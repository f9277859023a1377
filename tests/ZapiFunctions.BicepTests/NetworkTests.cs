using System.Text.Json.Nodes;
using ZapiFunctions.BicepTests.Support;

namespace ZapiFunctions.BicepTests;

/// <summary>
/// Private networking (main.bicep's <c>vnetEnabled</c>, infra/app/network.bicep), evaluated as main.bicep deploys it
/// with the parameter off (the default) and on: the same compiled template, deployed both ways.
/// </summary>
public sealed class NetworkTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly string[] StorageServices = ["blob", "queue", "table"];

    private ArmTemplate On => infra.Main.With(new Dictionary<string, JsonNode?> { ["vnetEnabled"] = true });

    private ArmTemplate Off => infra.Main.With(new Dictionary<string, JsonNode?> { ["vnetEnabled"] = false });

    private ArmTemplate Network => On.Module("network");

    [Fact]
    public void It_is_off_unless_asked_for()
    {
        var parameter = infra.Main.Json["parameters"]!["vnetEnabled"]!;
        var azd = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "main.parameters.json")))!;

        Assert.Equal("bool", (string?)parameter["type"]);
        Assert.False((bool)parameter["defaultValue"]!);
        Assert.Equal("${VNET_ENABLED=false}", (string?)azd["parameters"]!["vnetEnabled"]!["value"]);
        Assert.DoesNotContain("network", DeployedModules(infra.Main));
    }

    [Fact]
    public void Off_deploys_no_network_keeps_storage_public_and_does_not_integrate_the_app()
    {
        Assert.DoesNotContain("network", DeployedModules(Off));
        Assert.Contains("storage", DeployedModules(Off));

        var account = StorageAccount(Off);
        Assert.Equal("Enabled", (string?)account["publicNetworkAccess"]);
        Assert.Equal("Allow", (string?)account["networkAcls"]!["defaultAction"]);

        Assert.Null(Site(Off)["virtualNetworkSubnetId"]);
    }

    [Fact]
    public void On_disables_storage_public_network_access_and_denies_by_default()
    {
        var account = StorageAccount(On);

        Assert.Equal("Disabled", (string?)account["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)account["networkAcls"]!["defaultAction"]);
        Assert.False((bool)account["allowSharedKeyAccess"]!);
    }

    [Fact]
    public void On_the_app_subnet_is_delegated_to_Microsoft_App_environments_and_the_endpoint_subnet_to_nothing()
    {
        Assert.Contains("network", DeployedModules(On));
        var (vnet, _) = Assert.Single(Network.Deployed("Microsoft.Network/virtualNetworks"));
        var subnets = Network.Evaluate(vnet["properties"]!["subnets"])!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.Equal(2, subnets.Count);
        var app = subnets.Single(s => (string?)s["name"] == AppSubnetName);
        var delegation = Assert.Single(app["properties"]!["delegations"]!.AsArray())!;
        Assert.Equal("Microsoft.App/environments", (string?)delegation["properties"]!["serviceName"]);

        var endpoints = subnets.Single(s => (string?)s["name"] == PrivateEndpointSubnetName);
        Assert.Null(endpoints["properties"]!["delegations"]);
        Assert.Equal("Disabled", (string?)endpoints["properties"]!["privateEndpointNetworkPolicies"]);

        // Flex Consumption does not support an underscore in the integration subnet's name.
        Assert.All(subnets, s => Assert.DoesNotContain('_', (string)s["name"]!));
    }

    [Fact]
    public void On_the_site_is_integrated_into_the_app_subnet_and_created_after_the_network()
    {
        var deployment = infra.Main.Resources.Single(r => (string?)r["name"] == "function-app");
        var passed = (string)deployment["properties"]!["parameters"]!["virtualNetworkSubnetId"]!["value"]!;
        var output = (string)Network.Json["outputs"]!["appSubnetId"]!["value"]!;

        // main.bicep passes network.bicep's appSubnetId output, which is the id of the delegated subnet.
        Assert.Contains("reference(resourceId('Microsoft.Resources/deployments', 'network')", passed, StringComparison.Ordinal);
        Assert.Contains("'appSubnetId'", passed, StringComparison.Ordinal);
        Assert.Equal("[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), variables('appSubnetName'))]", output);
        Assert.Equal("[parameters('vnetName')]", (string?)Network.Json["resources"]!.AsArray()
            .Single(r => (string?)r!["type"] == "Microsoft.Network/virtualNetworks")!["name"]);

        // On, the site gets a subnet id (known only at deployment time); off, none (see the Off test).
        Assert.Equal(ArmTemplate.Unresolved, (string?)Site(On)["virtualNetworkSubnetId"]);
        Assert.Contains("[resourceId('Microsoft.Resources/deployments', 'network')]",
            deployment["dependsOn"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public void On_storage_gets_three_private_endpoints_blob_queue_and_table_in_the_endpoint_subnet()
    {
        var endpoints = Network.Deployed("Microsoft.Network/privateEndpoints").ToList();

        Assert.Equal(3, endpoints.Count);
        var groups = new List<string>();
        foreach (var (endpoint, i) in endpoints)
        {
            var properties = endpoint["properties"]!;
            var connection = Assert.Single(properties["privateLinkServiceConnections"]!.AsArray())!["properties"]!;
            groups.Add(Assert.Single(Network.Evaluate(connection["groupIds"], i)!.AsArray())!.GetValue<string>());
            Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", (string?)connection["privateLinkServiceId"]);
            Assert.Equal(
                "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), variables('privateEndpointSubnetName'))]",
                (string?)properties["subnet"]!["id"]);
        }

        Assert.Equal(StorageServices, groups);

        // The endpoints belong to the app's storage account, the one that also holds the deployment package container.
        var deployment = infra.Main.Resources.Single(r => (string?)r["name"] == "network");
        Assert.Equal("[reference(resourceId('Microsoft.Resources/deployments', 'storage'), '2025-04-01').outputs.name.value]",
            (string?)deployment["properties"]!["parameters"]!["storageAccountName"]!["value"]);
        var packages = (string)infra.FunctionApp.OfType("Microsoft.Web/sites").Single()["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["value"]!;
        Assert.Contains("parameters('blobEndpoint')", packages, StringComparison.Ordinal);
    }

    [Fact]
    public void On_each_endpoint_has_its_privatelink_dns_zone_linked_to_the_virtual_network()
    {
        var zones = Network.Deployed("Microsoft.Network/privateDnsZones").ToList();
        var links = Network.Deployed("Microsoft.Network/privateDnsZones/virtualNetworkLinks").ToList();
        var groups = Network.Deployed("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").ToList();

        Assert.Equal(3, zones.Count);
        Assert.Equal(3, links.Count);
        Assert.Equal(3, groups.Count);

        var zoneName = (string)zones[0].Resource["name"]!;
        Assert.Contains("environment().suffixes.storage", zoneName, StringComparison.Ordinal);
        Assert.Equal(
            StorageServices.Select(s => $"privatelink.{s}.{ArmTemplate.Unresolved}"),
            zones.Select(z => Network.String(z.Resource["name"], z.Index)));
        Assert.All(zones, z => Assert.Equal("global", (string?)z.Resource["location"]));

        foreach (var (link, i) in links)
        {
            Assert.StartsWith($"privatelink.{StorageServices[i]}.", Network.String(link["name"], i), StringComparison.Ordinal);
            Assert.False((bool)link["properties"]!["registrationEnabled"]!);
            Assert.Equal("[resourceId('Microsoft.Network/virtualNetworks', parameters('vnetName'))]", (string?)link["properties"]!["virtualNetwork"]!["id"]);
        }

        // Each endpoint's zone group points at the zone of the same service (the zone's name expression, same index).
        foreach (var (group, i) in groups)
        {
            Assert.Equal($"pe-{StorageAccountName()}-{StorageServices[i]}/default", Network.String(group["name"], i));
            var config = Assert.Single(group["properties"]!["privateDnsZoneConfigs"]!.AsArray())!;
            var zoneId = (string)config["properties"]!["privateDnsZoneId"]!;
            Assert.Contains($"resourceId('Microsoft.Network/privateDnsZones', {zoneName[1..^1]})", zoneId, StringComparison.Ordinal);
            Assert.Equal(StorageServices[i], Network.String(config["name"], i));
        }
    }

    private const string AppSubnetName = "app";
    private const string PrivateEndpointSubnetName = "private-endpoints";

    private static IEnumerable<string> DeployedModules(ArmTemplate main) =>
        main.Deployed("Microsoft.Resources/deployments").Select(d => main.String(d.Resource["name"], d.Index));

    private static JsonObject StorageAccount(ArmTemplate main)
    {
        var storage = main.Module("storage");
        return storage.Evaluate(storage.OfType("Microsoft.Storage/storageAccounts").Single()["properties"])!.AsObject();
    }

    private static JsonObject Site(ArmTemplate main)
    {
        var app = main.Module("function-app");
        return app.Evaluate(app.OfType("Microsoft.Web/sites").Single()["properties"])!.AsObject();
    }

    private string StorageAccountName() => Network.String(JsonValue.Create("[parameters('storageAccountName')]"));
}
