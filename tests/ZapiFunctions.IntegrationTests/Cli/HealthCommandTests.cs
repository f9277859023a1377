using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ZapiFunctions.Cli;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary><c>zapi health</c> against a real local server answering on the app's readiness route only.</summary>
public sealed class HealthCommandTests : IAsyncLifetime
{
    private const string Healthy = """{"status":"Healthy","checks":[{"name":"queues","status":"Healthy","description":"zapi-deliveries reachable"},{"name":"settings","status":"Healthy"}]}""";
    private const string Unhealthy = """{"status":"Unhealthy","checks":[{"name":"queues","status":"Unhealthy","description":"cannot reach queue zapi-deliveries: Connection refused"},{"name":"settings","status":"Healthy","description":""}]}""";

    private LocalWebServer _app = null!;

    /// <summary>The status and body the readiness route answers with.</summary>
    private (int Status, string Body) _answer = (200, Healthy);

    /// <summary>The query string of every request to the readiness route.</summary>
    private readonly ConcurrentQueue<string> _queries = new();

    public async Task InitializeAsync() => _app = await LocalWebServer.StartAsync(app => app.MapGet("/api/healthz/ready", async context =>
    {
        _queries.Enqueue(context.Request.QueryString.Value ?? string.Empty);
        context.Response.StatusCode = _answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(_answer.Body);
    }));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Healthy_prints_the_overall_status_then_one_line_per_check_and_exits_0()
    {
        var (code, output, error) = await Health();

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Healthy", lines[0], StringComparison.Ordinal);
        Assert.Contains(_app.BaseAddress + "api/healthz/ready", lines[0], StringComparison.Ordinal);
        Assert.Equal("queues    Healthy  zapi-deliveries reachable", lines[1]);
        Assert.Equal("settings  Healthy", lines[2]);
    }

    [Fact]
    public async Task Unhealthy_names_the_failing_check_and_its_reason_and_exits_1()
    {
        _answer = (503, Unhealthy);

        var (code, output, _) = await Health();

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("Unhealthy", lines[0], StringComparison.Ordinal);
        Assert.Contains("queues    Unhealthy  cannot reach queue zapi-deliveries: Connection refused", lines);
        Assert.Contains("settings  Healthy", lines);
    }

    [Fact]
    public async Task Degraded_is_not_healthy_even_with_200()
    {
        _answer = (200, """{"status":"Degraded","checks":[]}""");

        var (code, output, _) = await Health();

        Assert.Equal(1, code);
        Assert.StartsWith("Degraded", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, Healthy, 0)]
    [InlineData(503, Unhealthy, 1)]
    public async Task Json_prints_the_report_as_received(int status, string body, int exitCode)
    {
        _answer = (status, body);

        var (code, output, _) = await Health("--json");

        Assert.Equal(exitCode, code);
        Assert.Equal(body, output.TrimEnd('\n', '\r'));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(output).RootElement.ValueKind);
    }

    [Fact]
    public async Task The_function_key_is_sent_as_code_and_never_printed()
    {
        var (code, output, error) = await Health("--code", "FUNCTION/KEY==");

        Assert.Equal(0, code);
        Assert.Equal("?code=FUNCTION%2FKEY%3D%3D", Assert.Single(_queries));
        Assert.Contains("code=***", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTION", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_address_and_key_can_come_from_environment_variables()
    {
        var (code, output, _) = await ZapiTool.RunAsync(
            new Dictionary<string, string> { ["ZAPI_APP_URL"] = _app.BaseAddress.ToString(), ["ZAPI_FUNCTION_KEY"] = "ENVKEY" },
            "health");

        Assert.Equal(0, code);
        Assert.Equal("?code=ENVKEY", Assert.Single(_queries));
        Assert.DoesNotContain("ENVKEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_is_not_running_is_one_line_naming_the_url_and_exit_1()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";

        var (code, output, error) = await ZapiTool.RunAsync(null, "health", "--url", url, "--code", "SECRETKEY");

        Assert.Equal(1, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach {url}/api/healthz/ready?code=***: ", line, StringComparison.Ordinal);
        Assert.EndsWith("; is the app running? (./run.sh)", line.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETKEY", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "", "--code (or ZAPI_FUNCTION_KEY)")]
    [InlineData(404, "<html>Not Found</html>", "--url (or ZAPI_APP_URL)")]
    [InlineData(500, "oops", "without a health report")]
    public async Task An_answer_that_is_not_a_health_report_is_one_line_saying_what_to_check_and_exit_1(int status, string body, string fix)
    {
        _answer = (status, body);

        var (code, output, error) = await Health("--json");

        Assert.Equal(1, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"answered {status}", line, StringComparison.Ordinal);
        Assert.Contains(fix, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7071")]
    [InlineData("::")]
    [InlineData("ftp://127.0.0.1")]
    public async Task A_url_that_is_not_an_absolute_http_url_is_a_one_line_usage_error(string url)
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "health", "--url", url);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--url (or ZAPI_APP_URL) must be", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(_queries);
    }

    private Task<(int, string, string)> Health(params string[] extra) =>
        ZapiTool.RunAsync(null, ["health", "--url", _app.BaseAddress.ToString(), .. extra]);
}
