using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.InfraTests.Support;

namespace ZapiFunctions.InfraTests;

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
    public void It_has_a_time_range_and_message_id_and_request_id_parameters()
    {
        var parameters = Items(Workbook()).Single(i => (int)i["type"]! == 9)["content"]!["parameters"]!.AsArray();

        Assert.Equal(
            new[] { ("TimeRange", 4), ("MessageId", 1), ("RequestId", 1) },
            parameters.Select(p => ((string)p!["name"]!, (int)p["type"]!)));
    }

    [Theory]
    [InlineData("callbacks-by-outcome", "timechart", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "customDimensions.outcome")]
    [InlineData("callbacks-by-reason", "table", "name == \"" + ZapiTelemetry.CallbacksReceived + "\"", "customDimensions.reason")]
    [InlineData("ingest-latency", "timechart", "requests", "\"OnSend\"", "percentile(duration, 50)", "percentile(duration, 99)")]
    [InlineData("enqueue-duration", "timechart", "name == \"" + ZapiTelemetry.EnqueueDuration + "\"", "valueSum", "valueCount")]
    [InlineData("errored-sends-by-category", "table", "name == \"" + ZapiTelemetry.ErroredSends + "\"", "customDimensions.category", "datatable(category: string, retryable: string, advice: string)", "join kind=leftouter advice on category")]
    [InlineData("errored-sends-over-time", "timechart", "name == \"" + ZapiTelemetry.ErroredSends + "\"", "customDimensions.category")]
    [InlineData("backlog-now", "table", "\"zapi.queue.depth\"", "\"zapi.queue.oldest_age\"", "customDimensions.queue")]
    [InlineData("backlog-depth", "timechart", "name == \"zapi.queue.depth\"", "customDimensions.queue")]
    [InlineData("backlog-age", "timechart", "name == \"zapi.queue.oldest_age\"", "customDimensions.queue")]
    [InlineData("poison", "timechart", "name == \"zapi.queue.depth\"", "endswith \"-poison\"")]
    [InlineData("lookup", "table", "\"{MessageId}\"", "\"{RequestId}\"", "customDimensions[\"zapi.message_id\"]", "customDimensions[\"zapi.request_id\"]", "union requests, dependencies, traces", "where operation_Id in (operations)")]
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

    [GeneratedRegex("""^\s*"(?<category>[a-z-]+)", "(?<retryable>[a-z]+)", "(?<advice>[^"]*)",?\s*$""", RegexOptions.Multiline)]
    private static partial Regex AdviceRow();
}
