using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

/// <summary>The settings and names the code reads, compared with what the Bicep and the settings sample write.</summary>
public sealed class SettingsContractTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly ZapiOptions Defaults = new();

    private static IEnumerable<PropertyInfo> OptionProperties =>
        typeof(ZapiOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    [Fact]
    public void Bicep_writes_every_Zapi_setting_the_functions_app_reads_and_no_other()
    {
        var expected = OptionProperties.Select(p => p.Name).Select(Key).Order();
        var written = infra.AppSettings.Select(s => s.Key).Where(k => k.StartsWith("Zapi__", StringComparison.Ordinal)).Order();

        Assert.Equal(expected, written);
    }

    [Fact]
    public void Bicep_defaults_equal_the_option_defaults()
    {
        var settings = infra.AppSettings;
        foreach (var property in OptionProperties)
        {
            Assert.Equal(Text(property.GetValue(Defaults)), (string?)settings[Key(property.Name)]);
        }
    }

    [Fact]
    public void The_settings_sample_names_every_option_with_its_default()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json")))!;
        var values = sample["Values"]!.AsObject();

        Assert.Equal(
            OptionProperties.Select(p => Key(p.Name)).Order(),
            values.Select(v => v.Key).Where(k => k.StartsWith("Zapi__", StringComparison.Ordinal)).Order());
        foreach (var property in OptionProperties.Where(p => p.Name != nameof(ZapiOptions.AllowedInstanceIds)))
        {
            Assert.Equal(Text(property.GetValue(Defaults)), (string?)values[Key(property.Name)]);
        }

        Assert.Equal("UseDevelopmentStorage=true", (string?)values[StorageConnection.SettingName]);
    }

    [Fact]
    public void Provisioned_queues_and_table_are_the_ones_the_app_uses()
    {
        var storage = infra.Storage;
        var queues = storage.OfType("Microsoft.Storage/storageAccounts/queueServices/queues")
            .Select(q => storage.String(q["name"]).Split('/')[^1]).Order();
        var tables = storage.OfType("Microsoft.Storage/storageAccounts/tableServices/tables")
            .Select(t => storage.String(t["name"]).Split('/')[^1]);

        Assert.Equal([Defaults.DeliveriesQueue, Defaults.ErroredSendsQueue, Defaults.ErroredSendsQueue + "-poison"], queues);
        Assert.Equal([Defaults.DeadLettersTable, Defaults.ErroredSendsTable], tables.Order());
    }

    [Fact]
    public void The_webhook_url_output_is_the_ingest_route_under_the_host_route_prefix()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;
        var prefix = (string?)host["extensions"]!["http"]!["routePrefix"];

        var url = infra.Main.String(infra.Main.Json["outputs"]!["ZAPI_WEBHOOK_URL"]!["value"]);

        Assert.Equal($"https://{ArmTemplate.Unresolved}/{prefix}/{IngestRoutes.OnSend}", url);
    }

    [Fact]
    public void The_per_instance_webhook_url_output_is_the_instance_route_with_its_placeholder_left_to_fill()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))!;
        var prefix = (string?)host["extensions"]!["http"]!["routePrefix"];
        var output = infra.Main.Json["outputs"]!["ZAPI_WEBHOOK_URL_PER_INSTANCE"]!;

        var url = infra.Main.String(output["value"]);

        Assert.Equal($"https://{ArmTemplate.Unresolved}/{prefix}/{IngestRoutes.InstanceDelivery}", url);
        Assert.EndsWith("/api/instance/{instanceId}/delivery", url, StringComparison.Ordinal);
        Assert.Contains("outputs.defaultHostName.value", (string?)output["value"], StringComparison.Ordinal);
        Assert.Contains("{instanceId} is a literal placeholder", (string?)output["metadata"]!["description"], StringComparison.Ordinal);
    }

    private static string Key(string property) => $"Zapi__{property}";

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        double d => d.ToString("0.0###", CultureInfo.InvariantCulture), // a ratio, written with its point ("1.0")
        TimeSpan t when t < TimeSpan.Zero => "-1", // "never" (queue time-to-live), as the settings write it
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
