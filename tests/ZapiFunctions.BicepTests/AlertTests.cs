using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

/// <summary>The alert rules infra/app/alerts.bicep creates, evaluated as main.bicep deploys them.</summary>
public sealed partial class AlertTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    // The backlog gauges' names (reported every minute by the backlog timer function).
    private const string QueueOldestAge = "zapi.queue.oldest_age";

    private const string RuleType = "Microsoft.Insights/scheduledQueryRules";

    private static readonly ZapiOptions Defaults = new();

    private static readonly string[] AllRules =
        ["-dead-letters", "-errored-sends-spike", "-ingest-failures", "-misrouted-webhooks", "-backlog-age", "-silence"];

    /// <summary>The webhook types Z-API posts to a URL registered for the wrong webhook, as the app tags them.</summary>
    private static readonly string[] OtherCallbackTypes =
        ["ReceivedCallback", "MessageStatusCallback", "PresenceChatCallback", "ConnectedCallback", "DisconnectedCallback", "ProxyCallback", "other"];

    [Fact]
    public void Six_rules_each_query_the_apps_metrics_never_log_text()
    {
        var rules = Rules(infra.Alerts);

        Assert.Equal(AllRules.Order(), rules.Select(r => Suffix((string)r["name"]!)).Order());
        Assert.Single(infra.Alerts.OfType("Microsoft.Insights/actionGroups"));
        foreach (var rule in rules)
        {
            var query = Query(rule);
            Assert.Contains("customMetrics | where name == ", query, StringComparison.Ordinal);
            Assert.DoesNotContain("traces", query, StringComparison.Ordinal);
            Assert.DoesNotContain("message", query, StringComparison.OrdinalIgnoreCase);
        }

        // The poison queue empties within seconds (the DeadLetter function), so the count of dead letters is watched.
        Assert.Contains($"name == \"{ZapiTelemetry.DeadLetters}\"", Query(Rule(rules, "-dead-letters")), StringComparison.Ordinal);
        Assert.Contains($"name == \"{ZapiTelemetry.ErroredSends}\"", Query(Rule(rules, "-errored-sends-spike")), StringComparison.Ordinal);
        Assert.Contains("category = tostring(customDimensions.category)", Query(Rule(rules, "-errored-sends-spike")), StringComparison.Ordinal);
        Assert.Contains($"name == \"{ZapiTelemetry.CallbacksReceived}\" and tostring(customDimensions.outcome) == \"unavailable\"", Query(Rule(rules, "-ingest-failures")), StringComparison.Ordinal);
        Assert.Contains("toint(resultCode) >= 500", Query(Rule(rules, "-ingest-failures")), StringComparison.Ordinal);
        Assert.Contains($"name == \"{ZapiTelemetry.CallbacksReceived}\" and tostring(customDimensions.outcome) == \"rejected\" and tostring(customDimensions.reason) == \"unexpected-type\"", Query(Rule(rules, "-misrouted-webhooks")), StringComparison.Ordinal);
        Assert.Contains("callback_type = coalesce(tostring(customDimensions.callback_type), \"unknown\")", Query(Rule(rules, "-misrouted-webhooks")), StringComparison.Ordinal);
        Assert.Contains($"name == \"{QueueOldestAge}\"", Query(Rule(rules, "-backlog-age")), StringComparison.Ordinal);
        // Every queue, the poison queues too: a message waiting there means the DeadLetter function cannot keep it.
        Assert.DoesNotContain("queue != ", Query(Rule(rules, "-backlog-age")), StringComparison.Ordinal);
        Assert.Contains($"name == \"{ZapiTelemetry.CallbacksReceived}\"", Query(Rule(rules, "-silence")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-dead-letters", "Total", "GreaterThan", null)]
    [InlineData("-errored-sends-spike", "Total", "GreaterThan", "category")]
    [InlineData("-ingest-failures", "Total", "GreaterThan", null)]
    [InlineData("-misrouted-webhooks", "Total", "GreaterThan", "callback_type")]
    [InlineData("-backlog-age", "Maximum", "GreaterThan", "queue")]
    public void Measured_rules_aggregate_the_column_and_split_by_the_dimension_their_query_returns(
        string suffix, string aggregation, string comparison, string? dimension)
    {
        var rule = Rule(Rules(infra.Alerts), suffix);
        var criterion = Criterion(rule);
        var query = Query(rule);

        Assert.Equal(aggregation, (string?)criterion["timeAggregation"]);
        Assert.Equal(comparison, (string?)criterion["operator"]);
        Assert.Equal("AggregatedValue", (string?)criterion["metricMeasureColumn"]);
        Assert.Contains("summarize AggregatedValue = ", query, StringComparison.Ordinal);
        Assert.Contains("bin(timestamp, 5m)", query, StringComparison.Ordinal);
        var dimensions = criterion["dimensions"]!.AsArray();
        if (dimension is null)
        {
            Assert.Empty(dimensions);
        }
        else
        {
            var split = Assert.Single(dimensions)!;
            Assert.Equal(dimension, (string?)split["name"]);
            Assert.Equal("Include", (string?)split["operator"]);
            Assert.Equal(["*"], split["values"]!.AsArray().Select(v => (string?)v));
            Assert.Matches($@"\b{dimension}\b", query[query.LastIndexOf("summarize AggregatedValue", StringComparison.Ordinal)..]);
        }

        Assert.Equal("PT15M", (string?)rule["properties"]!["windowSize"]);
        Assert.Equal("PT5M", (string?)rule["properties"]!["evaluationFrequency"]);
    }

    [Fact]
    public void The_silence_rule_counts_callback_rows_and_fires_below_one()
    {
        var rule = Rule(Rules(infra.Alerts), "-silence");
        var criterion = Criterion(rule);

        Assert.Equal("Count", (string?)criterion["timeAggregation"]);
        Assert.Null(criterion["metricMeasureColumn"]);
        Assert.Equal("LessThan", (string?)criterion["operator"]);
        Assert.Equal(1, Threshold(rule));
        Assert.Equal("PT24H", (string?)rule["properties"]!["windowSize"]);
        Assert.Equal("PT1H", (string?)rule["properties"]!["evaluationFrequency"]);
    }

    [Fact]
    public void Default_thresholds_are_the_main_bicep_defaults()
    {
        var rules = Rules(infra.Alerts);

        Assert.Equal(0, Threshold(Rule(rules, "-dead-letters")));
        Assert.Equal(0, Threshold(Rule(rules, "-misrouted-webhooks")));
        Assert.Equal(MainDefault("erroredSendsAlertThreshold"), Threshold(Rule(rules, "-errored-sends-spike")));
        Assert.Equal(MainDefault("ingestFailuresAlertThreshold"), Threshold(Rule(rules, "-ingest-failures")));
        Assert.Equal(MainDefault("backlogAgeAlertMinutes"), Threshold(Rule(rules, "-backlog-age")));
        Assert.Equal($"PT{MainDefault("silenceAlertHours")}H", (string?)Rule(rules, "-silence")["properties"]!["windowSize"]);
        // The values docs/deploy.md's parameter table states.
        Assert.Equal(50, MainDefault("erroredSendsAlertThreshold"));
        Assert.Equal(5, MainDefault("ingestFailuresAlertThreshold"));
        Assert.Equal(30, MainDefault("backlogAgeAlertMinutes"));
        Assert.Equal(24, MainDefault("silenceAlertHours"));
    }

    [Fact]
    public void Thresholds_and_the_silence_window_follow_the_deployment_parameters()
    {
        var rules = Rules(infra.AlertsWith(new Dictionary<string, JsonNode?>
        {
            ["erroredSendsAlertThreshold"] = 7,
            ["ingestFailuresAlertThreshold"] = 3,
            ["backlogAgeAlertMinutes"] = 45,
            ["silenceAlertHours"] = 6,
        }));

        Assert.Equal(7, Threshold(Rule(rules, "-errored-sends-spike")));
        Assert.Equal(3, Threshold(Rule(rules, "-ingest-failures")));
        Assert.Equal(45, Threshold(Rule(rules, "-backlog-age")));
        Assert.Equal("PT6H", (string?)Rule(rules, "-silence")["properties"]!["windowSize"]);
        Assert.Contains("More than 7 failed WhatsApp sends", Description(Rule(rules, "-errored-sends-spike")), StringComparison.Ordinal);
        Assert.Contains("more than 3 times", Description(Rule(rules, "-ingest-failures")), StringComparison.Ordinal);
        Assert.Contains("more than 45 minutes old", Description(Rule(rules, "-backlog-age")), StringComparison.Ordinal);
        Assert.Contains("for 6 hours", Description(Rule(rules, "-silence")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_silence_rule_is_not_created_when_silenceAlertHours_is_0()
    {
        var rules = Rules(infra.AlertsWith(new Dictionary<string, JsonNode?> { ["silenceAlertHours"] = 0 }));

        Assert.Equal(AllRules.Where(s => s != "-silence").Order(), rules.Select(r => Suffix((string)r["name"]!)).Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(48)]
    public void The_silence_rule_is_created_for_any_positive_silenceAlertHours(int hours)
    {
        var rules = Rules(infra.AlertsWith(new Dictionary<string, JsonNode?> { ["silenceAlertHours"] = hours }));

        Assert.Equal(AllRules.Order(), rules.Select(r => Suffix((string)r["name"]!)).Order());
        Assert.Equal($"PT{hours}H", (string?)Rule(rules, "-silence")["properties"]!["windowSize"]);
    }

    [Theory]
    [InlineData("-dead-letters", "zapi poison peek", "zapi poison replay --all")]
    [InlineData("-errored-sends-spike", "zapi errored list --category")]
    [InlineData("-ingest-failures", "zapi health")]
    [InlineData("-misrouted-webhooks", "zapi webhook show", "zapi webhook register")]
    [InlineData("-backlog-age", "zapi queues stats")]
    [InlineData("-silence", "zapi webhook show", "zapi health")]
    public void Each_description_says_which_zapi_command_to_run(string suffix, params string[] commands)
    {
        var description = Description(Rule(Rules(infra.Alerts), suffix));

        Assert.False(string.IsNullOrWhiteSpace(description));
        Assert.All(commands, command => Assert.Contains($"`{command}", description, StringComparison.Ordinal));
    }

    [Fact]
    public void The_ingest_failures_rule_counts_the_failed_requests_of_both_ingest_routes()
    {
        var query = Query(Rule(Rules(infra.Alerts), "-ingest-failures"));
        var pattern = Assert.Single(UrlPattern().Matches(query)).Groups["pattern"].Value;

        Assert.Contains($"url has \"/{IngestRoutes.OnSend}\"", query, StringComparison.Ordinal);
        Assert.Matches(pattern, $"https://host/api/{IngestRoutes.InstanceDelivery.Replace("{instanceId}", "3C01A2B3", StringComparison.Ordinal)}?code=key");
        Assert.DoesNotMatch(pattern, $"https://host/api/{IngestRoutes.OnSend}?code=key");
    }

    [Fact]
    public void The_misrouted_webhooks_rule_fires_on_any_other_webhook_type_and_says_how_to_fix_the_registration()
    {
        var rule = Rule(Rules(infra.Alerts), "-misrouted-webhooks");
        var description = Description(rule);

        Assert.Equal(0, Threshold(rule));
        Assert.Equal("GreaterThan", (string?)Criterion(rule)["operator"]);
        Assert.All(OtherCallbackTypes, type => Assert.Contains(type, description, StringComparison.Ordinal));
        Assert.Contains("update-every-webhooks", description, StringComparison.Ordinal);
        Assert.Contains("On send (delivery) webhook only", description, StringComparison.Ordinal);
        Assert.Contains("`zapi webhook show --json`", description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alert_rule_names_output_lists_every_rule_created()
    {
        var names = infra.Alerts.Output("alertRuleNames")!.AsArray().Select(n => (string)n!).ToList();

        Assert.Equal(Rules(infra.Alerts).Select(r => (string)r["name"]!), names);
        Assert.Equal(AllRules.Select(suffix => $"zapi-test{suffix}"), names);
        Assert.DoesNotContain("zapi-test-silence", infra.AlertsWith(new Dictionary<string, JsonNode?> { ["silenceAlertHours"] = 0 })
            .Output("alertRuleNames")!.AsArray().Select(n => (string)n!));
        Assert.Contains("outputs.alertRuleNames", (string?)infra.Main.Json["outputs"]!["ALERT_RULE_NAMES"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_rule_is_a_log_alert_on_application_insights_that_notifies_the_action_group_and_resolves_itself()
    {
        foreach (var (resource, index) in infra.Alerts.Deployed(RuleType))
        {
            var rule = infra.Alerts.Evaluate(resource, index)!;
            var properties = rule["properties"]!;

            Assert.Equal("LogAlert", (string?)rule["kind"]);
            Assert.Equal("[parameters('applicationInsightsId')]", (string?)resource["properties"]!["scopes"]![0]);
            Assert.Contains("Microsoft.Insights/actionGroups", (string?)resource["properties"]!["actions"]!["actionGroups"]![0], StringComparison.Ordinal);
            Assert.True((bool)properties["autoMitigate"]!);
            Assert.True((bool)properties["enabled"]!);
            Assert.Equal((string?)rule["name"], (string?)properties["displayName"]);
        }

        Assert.Contains("outputs.applicationInsightsId", (string?)infra.Main.Resources
            .Single(r => (string?)r["name"] == "alerts")["properties"]!["parameters"]!["applicationInsightsId"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_monitoring_page_lists_every_rule()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "monitoring.md"));

        Assert.All(AllRules, suffix => Assert.Contains($"`zapi-<env>{suffix}`", page, StringComparison.Ordinal));
    }

    [Fact]
    public void The_documented_ingest_requests_query_counts_the_hosts_requests_of_both_ingest_routes()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "monitoring.md"));
        var query = Assert.Single(Regex.Matches(page, "```kusto\nrequests\n(?<query>[^`]*summarize calls[^`]*)```"))
            .Groups["query"].Value;
        var pattern = Assert.Single(UrlPattern().Matches(query)).Groups["pattern"].Value;

        // The Functions host names its request after the method and route; the route's path is in url either way.
        Assert.Contains($"url has \"/{IngestRoutes.OnSend}\"", query, StringComparison.Ordinal);
        Assert.Matches(pattern, $"https://host/api/{IngestRoutes.InstanceDelivery.Replace("{instanceId}", "3C01A2B3", StringComparison.Ordinal)}?code=key");
    }

    [GeneratedRegex("url matches regex \"(?<pattern>[^\"]+)\"")]
    private static partial Regex UrlPattern();

    private static List<JsonObject> Rules(ArmTemplate alerts) =>
        [.. alerts.Deployed(RuleType).Select(d => alerts.Evaluate(d.Resource, d.Index)!.AsObject())];

    private static JsonObject Rule(List<JsonObject> rules, string suffix) =>
        rules.Single(r => ((string)r["name"]!).EndsWith(suffix, StringComparison.Ordinal));

    private static string Suffix(string name) => AllRules.Single(s => name.EndsWith(s, StringComparison.Ordinal));

    private static JsonNode Criterion(JsonObject rule) => Assert.Single(rule["properties"]!["criteria"]!["allOf"]!.AsArray())!;

    private static string Query(JsonObject rule) => (string)Criterion(rule)["query"]!;

    private static string Description(JsonObject rule) => (string)rule["properties"]!["description"]!;

    private static long Threshold(JsonObject rule) => long.Parse(Criterion(rule)["threshold"]!.ToJsonString(), CultureInfo.InvariantCulture);

    private long MainDefault(string parameter) =>
        infra.Main.Json["parameters"]![parameter]!["defaultValue"]!.GetValue<long>();
}
