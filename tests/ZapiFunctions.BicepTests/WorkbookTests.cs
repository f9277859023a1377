using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.BicepTests;

/// <summary>The operations workbook (infra/app/workbook.bicep + workbook.json), as main.bicep deploys it.</summary>
public sealed partial class WorkbookTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private const string WorkbookType = "Microsoft.Insights/workbooks";

    [Fact]
    public void A_shared_workbook_linked_to_application_insights_with_a_deterministic_guid_name()
    {
        var workbook = Assert.Single(infra.Workbook.OfType(WorkbookType));
        var properties = workbook["properties"]!;

        Assert.Equal("shared", (string?)workbook["kind"]);
        Assert.Equal("workbook", (string?)properties["category"]);
        Assert.Equal("Notebook/1.0", (string?)properties["version"]);
        Assert.StartsWith("[guid(", (string?)workbook["name"], StringComparison.Ordinal);
        Assert.DoesNotContain("newGuid", (string?)workbook["name"], StringComparison.Ordinal);
        Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]", (string?)properties["sourceId"]);
        Assert.Contains("outputs.applicationInsightsName", (string?)infra.Main.Resources
            .Single(r => (string?)r["name"] == "workbook")["properties"]!["parameters"]!["applicationInsightsName"]!["value"], StringComparison.Ordinal);
        Assert.Equal("ZapiFunctions (test)", infra.Workbook.String(properties["displayName"]));
    }

    [Fact]
    public void Main_outputs_the_workbook_id_and_portal_link()
    {
        var outputs = infra.Main.Json["outputs"]!;

        Assert.Contains("outputs.id", (string?)outputs["ZAPI_WORKBOOK_ID"]!["value"], StringComparison.Ordinal);
        Assert.Contains("outputs.portalUrl", (string?)outputs["ZAPI_WORKBOOK_URL"]!["value"], StringComparison.Ordinal);
        Assert.Equal(
            "[format('{0}/#@/resource{1}', environment().portal, resourceId('Microsoft.Insights/workbooks', guid(resourceId('Microsoft.Insights/components', parameters('applicationInsightsName')), 'zapi-workbook')))]",
            (string?)infra.Workbook.Json["outputs"]!["portalUrl"]!["value"]);
    }

    [Fact]
    public void Its_serialized_data_is_workbook_json_with_the_application_insights_id_filled_in()
    {
        var text = SerializedData();
        var workbook = JsonNode.Parse(text)!;

        Assert.Equal("Notebook/1.0", (string?)workbook["version"]);
        Assert.DoesNotContain("__APPLICATION_INSIGHTS_ID__", text, StringComparison.Ordinal);
        Assert.Equal(ArmTemplate.Unresolved, (string?)Assert.Single(workbook["fallbackResourceIds"]!.AsArray()));
        Assert.All(Items(workbook).Where(i => (int)i["type"]! == 3), item =>
        {
            Assert.Equal("microsoft.insights/components", (string?)item["content"]!["resourceType"]);
            Assert.Equal("TimeRange", (string?)item["content"]!["timeContextFromParameter"]);
        });
    }

    [Fact]
    public void It_has_a_time_range_and_message_id_request_id_and_custom_id_parameters()
    {
        var parameters = Parameters(Workbook());

        Assert.Equal(
            new[] { ("TimeRange", 4), ("MessageId", 1), ("RequestId", 1), ("CustomId", 1) },
            parameters.Select(p => ((string)p["name"]!, (int)p["type"]!)));
        Assert.Equal(parameters.Count, parameters.Select(p => (string?)p["id"]).Distinct().Count());
    }

    [Fact]
    public void Every_parameter_a_panel_uses_is_declared()
    {
        var workbook = Workbook();
        var declared = Parameters(workbook).Select(p => (string)p["name"]!).ToHashSet();

        foreach (var item in Items(workbook).Where(i => (int)i["type"]! == 3))
        {
            var used = ParameterReference().Matches((string)item["content"]!["query"]!).Select(m => m.Groups["name"].Value);
            Assert.All(used, name => Assert.Contains(name, declared));
        }
    }

    [Fact]
    public void The_lookup_matches_a_custom_id_as_it_matches_a_message_id_or_request_id()
    {
        var query = Query(Workbook(), "lookup");

        foreach (var (parameter, tag) in new[] { ("MessageId", "zapi.message_id"), ("RequestId", "zapi.request_id"), ("CustomId", "zapi.custom_id") })
        {
            Assert.Contains($"let wanted{parameter} = trim(@\"\\s\", \"{{{parameter}}}\");", query, StringComparison.Ordinal);
            Assert.Contains($"(isnotempty(wanted{parameter}) and tostring(customDimensions[\"{tag}\"]) == wanted{parameter})", query, StringComparison.Ordinal);
        }

        Assert.Contains("customId = tostring(customDimensions[\"zapi.custom_id\"])", query, StringComparison.Ordinal);
        Assert.Contains("customId", (string)Items(Workbook()).Single(i => (string?)i["name"] == "lookup-header")["content"]!["json"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_misrouted_webhooks_section_says_how_to_fix_the_registration()
    {
        var text = (string)Items(Workbook()).Single(i => (string?)i["name"] == "misrouted-header")["content"]!["json"]!;

        Assert.StartsWith("## Misrouted webhooks\n", text, StringComparison.Ordinal);
        Assert.Contains("`update-every-webhooks`", text, StringComparison.Ordinal);
        Assert.Contains("`zapi webhook show --json`", text, StringComparison.Ordinal);
        Assert.Contains("`zapi webhook register`", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ingest_latency_panel_covers_both_ingest_routes()
    {
        var query = Query(Workbook(), "ingest-latency");
        var pattern = Assert.Single(UrlPattern().Matches(query)).Groups["pattern"].Value;

        Assert.Contains($"url has \"/{IngestRoutes.OnSend}\"", query, StringComparison.Ordinal);
        Assert.Matches(pattern, $"https://host/api/{IngestRoutes.InstanceDelivery.Replace("{instanceId}", "3C01A2B3", StringComparison.Ordinal)}");
    }

    [Theory]
    [InlineData("callbacks-by-outcome", "timechart", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "customDimensions.outcome")]
    [InlineData("callbacks-by-reason", "table", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "customDimensions.reason")]
    [InlineData("misrouted-webhooks", "timechart", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "tostring(customDimensions.outcome) == \"rejected\" and tostring(customDimensions.reason) == \"unexpected-type\"", "callback_type = coalesce(tostring(customDimensions.callback_type), \"unknown\")", "by callback_type, bin(timestamp, {TimeRange:grain})")]
    [InlineData("callback-quality", "timechart", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "where outcome in (\"enqueued\", \"ignored\")", "sumif(value, fields == \"incomplete\")", "sumif(value, instance == \"mismatch\")", "bin(timestamp, {TimeRange:grain})")]
    [InlineData("callback-quality-by-tag", "table", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "where outcome in (\"enqueued\", \"ignored\")", "fields = tostring(customDimensions.fields)", "instance = tostring(customDimensions.instance)", "by fields, instance")]
    [InlineData("ingest-latency", "timechart", "requests", "\"OnSend\"", "percentile(duration, 50)", "percentile(duration, 99)")]
    [InlineData("enqueue-duration", "timechart", "name == \"" + ZapiTelemetry.EnqueueDuration + "\"", "valueSum", "valueCount")]
    [InlineData("errored-sends-by-category", "table", "name == \"" + ZapiTelemetry.ErroredSends + "\"", "customDimensions.category", "datatable(category: string, retryable: string, advice: string)", "join kind=leftouter advice on category")]
    [InlineData("errored-sends-over-time", "timechart", "name == \"" + ZapiTelemetry.ErroredSends + "\"", "customDimensions.category")]
    [InlineData("backlog-now", "table", "\"zapi.queue.depth\"", "\"zapi.queue.oldest_age\"", "customDimensions.queue")]
    [InlineData("backlog-depth", "timechart", "name == \"zapi.queue.depth\"", "customDimensions.queue")]
    [InlineData("backlog-age", "timechart", "name == \"zapi.queue.oldest_age\"", "customDimensions.queue")]
    [InlineData("poison", "timechart", "name == \"zapi.queue.depth\"", "endswith \"-poison\"")]
    [InlineData("lookup", "table", "\"{MessageId}\"", "\"{RequestId}\"", "\"{CustomId}\"", "customDimensions[\"zapi.message_id\"]", "customDimensions[\"zapi.request_id\"]", "customDimensions[\"zapi.custom_id\"]", "union requests, dependencies, traces", "where operation_Id in (operations)")]
    public void Each_panel_queries_the_telemetry_it_shows(string panel, string visualization, params string[] fragments)
    {
        var item = Items(Workbook()).Single(i => (string?)i["name"] == panel);

        Assert.Equal(3, (int)item["type"]!);
        Assert.Equal(visualization, (string?)item["content"]!["visualization"]);
        var query = (string)item["content"]!["query"]!;
        Assert.All(fragments, fragment => Assert.Contains(fragment, query, StringComparison.Ordinal));
    }

    [Fact]
    public void The_errored_sends_panel_has_advice_and_retryability_for_every_category_of_the_error_catalog()
    {
        var query = (string)Items(Workbook()).Single(i => (string?)i["name"] == "errored-sends-by-category")["content"]!["query"]!;
        var rows = AdviceRow().Matches(query).ToDictionary(m => m.Groups["category"].Value, m => (Retryable: m.Groups["retryable"].Value, Advice: m.Groups["advice"].Value));
        var catalog = CatalogCategories();

        Assert.Equal(catalog.Keys.Order(), rows.Keys.Order());
        foreach (var (category, retryable) in catalog)
        {
            Assert.Equal(retryable, rows[category].Retryable);
            Assert.True(rows[category].Advice.Length > 20, $"advice for {category} is too short");
        }
    }

    [Fact]
    public void The_catalog_categories_the_test_reads_are_all_the_documented_categories()
    {
        var constants = typeof(ErrorCategories).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        Assert.Equal(constants.Order(), CatalogCategories().Keys.Order());
    }

    /// <summary>Each category the catalogue can return, with "yes", "no" or "sometimes" for its rows' Retryable.</summary>
    private static Dictionary<string, string> CatalogCategories()
    {
        var classifications = new List<ErrorClassification> { ErrorCatalog.Classify(null, null) };
        var rows = typeof(ErrorCatalog).GetField("Rows", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as IEnumerable
            ?? throw new InvalidOperationException("ErrorCatalog.Rows not found: update this test's reflection");
        foreach (var row in rows)
        {
            classifications.Add((ErrorClassification)row.GetType().GetField("Item3")!.GetValue(row)!);
        }

        var codes = typeof(ErrorCatalog).GetField("Codes", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as IDictionary
            ?? throw new InvalidOperationException("ErrorCatalog.Codes not found: update this test's reflection");
        classifications.AddRange(codes.Values.Cast<ErrorClassification>());

        return classifications.GroupBy(c => c.Category).ToDictionary(
            g => g.Key,
            g => g.All(c => c.Retryable) ? "yes" : g.Any(c => c.Retryable) ? "sometimes" : "no");
    }

    private string SerializedData()
    {
        var workbook = Assert.Single(infra.Workbook.OfType(WorkbookType));
        return infra.Workbook.String(workbook["properties"]!["serializedData"]);
    }

    private JsonNode Workbook() => JsonNode.Parse(SerializedData())!;

    private static IEnumerable<JsonNode> Items(JsonNode workbook) => workbook["items"]!.AsArray().Select(i => i!);

    private static List<JsonNode> Parameters(JsonNode workbook) =>
        [.. Items(workbook).Single(i => (int)i["type"]! == 9)["content"]!["parameters"]!.AsArray().Select(p => p!)];

    private static string Query(JsonNode workbook, string panel) =>
        (string)Items(workbook).Single(i => (string?)i["name"] == panel)["content"]!["query"]!;

    /// <summary>A parameter in a query: {Name}, or {Name:format} such as {TimeRange:grain}.</summary>
    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[a-z]+)?\}")]
    private static partial Regex ParameterReference();

    [GeneratedRegex("url matches regex \"(?<pattern>[^\"]+)\"")]
    private static partial Regex UrlPattern();

    [GeneratedRegex("""^\s*"(?<category>[a-z-]+)", "(?<retryable>[a-z]+)", "(?<advice>[^"]*)",?\s*$""", RegexOptions.Multiline)]
    private static partial Regex AdviceRow();
}
