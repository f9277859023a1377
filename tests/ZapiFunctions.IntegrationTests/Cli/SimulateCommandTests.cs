using System.Globalization;
using System.Text.Json;
using ZapiFunctions.Cli;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli;

public sealed class SimulateCommandTests : IAsyncLifetime
{
    private FakeZapi _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await FakeZapi.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    [Fact]
    public async Task Many_requests_are_distinct_sends_summarized_with_status_counts_and_percentiles()
    {
        var (code, output, error) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress + "api/zapi/on-send", "--sample", "errors/10", "--count", "60", "--concurrency", "8");

        Assert.Equal(0, code);
        Assert.Equal(60, _endpoint.Requests.Count);
        var ids = _endpoint.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("messageId").GetString()).ToHashSet();
        Assert.Equal(60, ids.Count);
        Assert.All(_endpoint.Requests, r => Assert.Equal("Phone number does not exist", JsonDocument.Parse(r.Body).RootElement.GetProperty("error").GetString()));
        Assert.Contains("Sent 60 request(s)", output, StringComparison.Ordinal);
        Assert.Matches(@"200\s+60", output);
        Assert.Matches(@"latency ms: p50 [\d.]+\s+p90 [\d.]+\s+p99 [\d.]+\s+max [\d.]+", output);
        // Not a terminal (a pipe, a file): plain lines, no \r frames.
        Assert.Equal(["sent 15/60", "sent 30/60", "sent 45/60", "sent 60/60"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain('\r', error);
    }

    [Fact]
    public async Task A_single_request_posts_the_sample_unchanged()
    {
        var (code, _, _) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--sample", "delivered");

        Assert.Equal(0, code);
        var body = JsonDocument.Parse(Assert.Single(_endpoint.Requests).Body).RootElement;
        Assert.Equal("3EB0F1C2D3E4F5A6B7C8", body.GetProperty("messageId").GetString());
        Assert.StartsWith("application/json", Assert.Single(_endpoint.Requests).Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_2xx_answers_are_counted_and_make_the_exit_code_1()
    {
        _endpoint.Answer = (503, "{}");

        var (code, output, _) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--count", "3");

        Assert.Equal(1, code);
        Assert.Matches(@"503\s+3", output);
    }

    [Fact]
    public async Task An_unknown_sample_is_a_usage_error_listing_the_samples()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--sample", "nope");

        Assert.Equal(2, code);
        Assert.Contains("delivered", error, StringComparison.Ordinal);
        Assert.Empty(_endpoint.Requests);
    }

    [Fact]
    public async Task Listing_the_embedded_samples_needs_no_url()
    {
        var (code, output, _) = await ZapiTool.RunAsync(null, "simulate", "--list");

        Assert.Equal(0, code);
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("delivered", names);
        Assert.Equal(47, names.Count(n => n.StartsWith("errors/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_url_it_posts_to_the_ingest_route_of_zapi_app_url_with_zapi_function_key()
    {
        var environment = new Dictionary<string, string> { ["ZAPI_APP_URL"] = _endpoint.BaseAddress.ToString(), ["ZAPI_FUNCTION_KEY"] = "k/1" };

        var (code, output, _) = await ZapiTool.RunAsync(environment, "simulate", "--sample", "delivered");

        Assert.Equal(0, code);
        Assert.Equal("/api/zapi/on-send?code=k%2F1", Assert.Single(_endpoint.Requests).PathAndQuery);
        Assert.DoesNotContain("k%2F1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "/api/zapi/on-send")]
    [InlineData("api/zapi/on-send", "/api/zapi/on-send")]
    [InlineData("api/instance/3C01A2B3/delivery", "/api/instance/3C01A2B3/delivery")]
    [InlineData("gateway/", "/gateway/api/zapi/on-send")]
    public async Task Url_is_the_apps_base_address_and_a_url_naming_an_ingest_route_is_kept(string path, string posted)
    {
        var (code, _, _) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress + path, "--sample", "delivered");

        Assert.Equal(0, code);
        Assert.Equal(posted, Assert.Single(_endpoint.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Code_is_added_to_the_query_the_url_already_has()
    {
        var (code, _, _) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress + "?x=1", "--code", "key", "--sample", "delivered");

        Assert.Equal(0, code);
        Assert.Equal("/api/zapi/on-send?x=1&code=key", Assert.Single(_endpoint.Requests).PathAndQuery);
    }

    [Theory]
    [InlineData("127.0.0.1:7071")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task A_url_that_is_not_an_absolute_http_address_is_a_one_line_usage_error(string url)
    {
        var (code, output, error) = await ZapiTool.RunAsync(null, "simulate", "--url", url, "--sample", "delivered");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: --url (or ZAPI_APP_URL) must be the app's absolute http(s):// base address", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Empty(_endpoint.Requests);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Instance_sets_the_instance_id_of_every_request(int count)
    {
        var (code, _, _) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--sample", "delivered", "--instance", "ALLOWED-1", "--count", count.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(0, code);
        Assert.Equal(count, _endpoint.Requests.Count);
        var bodies = _endpoint.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(bodies, b => Assert.Equal("ALLOWED-1", b.GetProperty("instanceId").GetString()));
        Assert.All(bodies, b => Assert.Equal("5511987654321", b.GetProperty("phone").GetString()));
        Assert.Equal(count, bodies.Select(b => b.GetProperty("messageId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Instance_leaves_a_body_that_is_not_a_json_object_as_it_is_with_a_warning()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--sample", "invalid/malformed", "--instance", "ALLOWED-1");

        Assert.Equal(0, code);
        Assert.Contains("warning: the body is not a JSON object", error, StringComparison.Ordinal);
        Assert.Equal(Samples.Read("invalid/malformed"), Assert.Single(_endpoint.Requests).Body);
    }

    [Fact]
    public async Task Many_copies_of_a_malformed_sample_are_sent_as_they_are()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "simulate", "--url", _endpoint.BaseAddress.ToString(), "--sample", "invalid/malformed", "--count", "3");

        Assert.Equal(0, code);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal(3, _endpoint.Requests.Count);
        Assert.All(_endpoint.Requests, r => Assert.Equal(Samples.Read("invalid/malformed"), r.Body));
    }

    [Theory]
    [InlineData(50, 50.0)]
    [InlineData(90, 90.0)]
    [InlineData(99, 99.0)]
    [InlineData(100, 100.0)]
    public void Percentiles_are_nearest_rank(int percentile, double expected) =>
        Assert.Equal(expected, ZapiFunctions.Cli.Commands.SimulateCommand.Percentile(Enumerable.Range(1, 100).Select(i => (double)i).ToArray(), percentile));
}
