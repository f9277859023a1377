using System.Text.Json;
using System.Text.RegularExpressions;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>
/// The bindings the Functions host reads: <c>functions.metadata</c>, which the worker SDK generates at build time from
/// the functions' attributes. The host resolves each <c>%setting%</c> in a queue name from the app settings, so the
/// names below, resolved with the settings sample, are the queues the app's own code writes and reads.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
    private static readonly JsonElement[] Functions =
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))).RootElement.EnumerateArray()];

    private static readonly Dictionary<string, string> Sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json")))
        .RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString() ?? "");

    [Theory]
    [InlineData("ErroredSend", false)]
    [InlineData("DeadLetter", true)]
    public void The_queue_triggers_read_the_errored_sends_queue_and_its_poison_queue_through_AzureWebJobsStorage(string function, bool poison)
    {
        var trigger = Binding(function, "queueTrigger");
        var errored = Sample["Zapi:ErroredSendsQueue"];

        Assert.Equal(poison ? PoisonQueues.For(errored) : errored, Resolve(trigger.GetProperty("queueName").GetString()!));
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
    }

    [Fact]
    public void Every_HTTP_function_needs_a_function_key()
    {
        var http = Triggers("httpTrigger").ToList();

        Assert.NotEmpty(http);
        Assert.All(http, t => Assert.Equal("Function", t.Trigger.GetProperty("authLevel").GetString()));
    }

    [Fact]
    public void No_timer_runs_at_start_up_so_a_cold_start_or_a_scale_out_never_purges_or_drains_out_of_schedule()
    {
        var timers = Triggers("timerTrigger").ToList();

        Assert.Equal(["Backlog", "FallbackDrain", "Retention"], timers.Select(t => t.Function).Order(StringComparer.Ordinal));
        Assert.All(timers, t => Assert.False(t.Trigger.TryGetProperty("runOnStartup", out var run) && run.GetBoolean(), t.Function));
    }

    private static IEnumerable<(string Function, JsonElement Trigger)> Triggers(string type) =>
        from function in Functions
        from binding in function.GetProperty("bindings").EnumerateArray()
        where binding.GetProperty("type").GetString() == type
        select (function.GetProperty("name").GetString()!, binding);

    private static JsonElement Binding(string function, string type) =>
        Assert.Single(Assert.Single(Functions, f => f.GetProperty("name").GetString() == function).GetProperty("bindings").EnumerateArray(),
            b => b.GetProperty("type").GetString() == type);

    /// <summary>Every <c>%name%</c> replaced by the setting's value, as the host's name resolver does.</summary>
    private static string Resolve(string name) => Setting().Replace(name, m => Sample[m.Groups["name"].Value]);

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex Setting();
}
