using System.Text.Json.Nodes;
using ZapiFunctions.BicepTests.Support;

namespace ZapiFunctions.BicepTests;

/// <summary>Lifetimes in the Bicep: queue time-to-live settings, the deliveries queue switch, the dead-letters table.</summary>
public sealed class LifetimeInfraTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    [Fact]
    public void Queue_messages_never_expire_by_default_and_follow_the_deployment_parameters()
    {
        var defaults = AppSettings([]);
        var chosen = AppSettings(new() { ["deliveriesTimeToLive"] = "7.00:00:00", ["erroredSendsTimeToLive"] = "30.00:00:00" });

        Assert.Equal(("-1", "-1"), ((string?)defaults["Zapi__DeliveriesTimeToLive"], (string?)defaults["Zapi__ErroredSendsTimeToLive"]));
        Assert.Equal(("7.00:00:00", "30.00:00:00"), ((string?)chosen["Zapi__DeliveriesTimeToLive"], (string?)chosen["Zapi__ErroredSendsTimeToLive"]));
    }

    [Fact]
    public void Store_deliveries_false_turns_the_deliveries_queue_off_in_the_app_settings()
    {
        Assert.Equal("zapi-deliveries", (string?)AppSettings([])["Zapi__DeliveriesQueue"]);
        Assert.Equal(string.Empty, (string?)AppSettings(new() { ["storeDeliveries"] = false })["Zapi__DeliveriesQueue"]);
    }

    [Fact]
    public void The_dead_letters_table_is_provisioned_set_for_the_app_and_output()
    {
        var tables = infra.Storage.OfType("Microsoft.Storage/storageAccounts/tableServices/tables")
            .Select(t => infra.Storage.String(t["name"]).Split('/')[^1]);

        Assert.Contains("ZapiDeadLetters", tables);
        Assert.Equal("ZapiDeadLetters", (string?)infra.AppSettings["Zapi__DeadLettersTable"]);
        Assert.Equal("ZapiDeadLetters", infra.Main.String(infra.Main.Json["outputs"]!["ZAPI_DEAD_LETTERS_TABLE"]!["value"]));
    }

    private JsonObject AppSettings(Dictionary<string, JsonNode?> parameters)
    {
        var functionApp = infra.Main.With(parameters).Module("function-app");
        var config = functionApp.OfType("Microsoft.Web/sites/config").Single();
        return functionApp.Evaluate(config["properties"])!.AsObject();
    }
}
