using System.Globalization;
using System.Text;
using System.Text.Json;
using ZapiFunctions.Cli.Tests.Support;

namespace ZapiFunctions.Cli.Tests;

/// <summary><c>zapi webhook</c> against a real local HTTP server playing Z-API.</summary>
public sealed class WebhookCommandTests : IAsyncLifetime
{
    private const string Webhook = "https://func-zapi.azurewebsites.net/api/zapi/on-send?code=FUNCTIONKEY";
    private FakeZapi _zapi = null!;

    public async Task InitializeAsync() => _zapi = await FakeZapi.StartAsync();

    public async Task DisposeAsync() => await _zapi.DisposeAsync();

    [Fact]
    public async Task Register_puts_the_url_as_json_with_the_client_token_header_and_hides_secrets()
    {
        var (code, output, error) = await Register("--client-token", "CLIENTSECRET");

        Assert.Equal(0, code);
        var request = Assert.Single(_zapi.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/instances/INSTANCE1/token/TOKENSECRET/update-webhook-delivery", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("CLIENTSECRET", request.Headers["Client-Token"]);
        Assert.Equal(Webhook, JsonDocument.Parse(request.Body).RootElement.GetProperty("value").GetString());
        Assert.Contains("code=***", output, StringComparison.Ordinal);
        foreach (var secret in new[] { "TOKENSECRET", "CLIENTSECRET", "FUNCTIONKEY" })
        {
            Assert.DoesNotContain(secret, output + error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_client_token_no_header_is_sent()
    {
        var (code, _, _) = await Register();

        Assert.Equal(0, code);
        Assert.False(Assert.Single(_zapi.Requests).Headers.ContainsKey("Client-Token"));
    }

    [Fact]
    public async Task Credentials_can_come_from_environment_variables()
    {
        var (code, _, _) = await ZapiTool.RunAsync(
            new Dictionary<string, string>
            {
                ["ZAPI_INSTANCE_ID"] = "ENVINSTANCE",
                ["ZAPI_INSTANCE_TOKEN"] = "ENVTOKEN",
                ["ZAPI_CLIENT_TOKEN"] = "ENVCLIENT",
                ["ZAPI_BASE_URL"] = _zapi.BaseAddress.ToString(),
            },
            "webhook", "register", "--url", Webhook);

        Assert.Equal(0, code);
        var request = Assert.Single(_zapi.Requests);
        Assert.Equal("/instances/ENVINSTANCE/token/ENVTOKEN/update-webhook-delivery", request.PathAndQuery);
        Assert.Equal("ENVCLIENT", request.Headers["Client-Token"]);
    }

    [Theory]
    [InlineData("http://func-zapi.azurewebsites.net/api/zapi/on-send?code=k")]
    [InlineData("func-zapi.azurewebsites.net/api/zapi/on-send")]
    public async Task A_non_https_url_is_refused_before_calling_zapi(string url)
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "webhook", "register", "--instance", "I", "--token", "T", "--base-url", _zapi.BaseAddress.ToString(), "--url", url);

        Assert.Equal(2, code);
        Assert.Contains("https://", error, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task Missing_credentials_are_a_usage_error()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "webhook", "register", "--url", Webhook, "--base-url", _zapi.BaseAddress.ToString());

        Assert.Equal(2, code);
        Assert.Contains("--instance and --token", error, StringComparison.Ordinal);
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task Register_sends_its_body_with_a_content_length_not_chunked()
    {
        var (code, _, _) = await Register();

        Assert.Equal(0, code);
        var request = Assert.Single(_zapi.Requests);
        Assert.True(request.Headers.TryGetValue("Content-Length", out var length), "no Content-Length header");
        Assert.Equal(Encoding.UTF8.GetByteCount(request.Body), int.Parse(length, CultureInfo.InvariantCulture));
        Assert.False(request.Headers.ContainsKey("Transfer-Encoding"), "sent with Transfer-Encoding: " + request.Headers.GetValueOrDefault("Transfer-Encoding"));
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
    }

    [Theory]
    [InlineData("register", "api.z-api.io")]
    [InlineData("register", "::")]
    [InlineData("register", "ftp://api.z-api.io")]
    [InlineData("show", "api.z-api.io")]
    [InlineData("show", "::")]
    public async Task A_base_url_that_is_not_an_absolute_http_url_is_a_one_line_usage_error(string command, string baseUrl)
    {
        string[] webhook = command == "register" ? ["--url", Webhook] : [];

        var (code, output, error) = await ZapiTool.RunAsync(null, ["webhook", command, "--instance", "I", "--token", "T", "--base-url", baseUrl, .. webhook]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--base-url (or ZAPI_BASE_URL) must be an absolute http(s):// URL", line, StringComparison.Ordinal);
        Assert.Contains($"'{baseUrl}'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_base_url_from_the_environment_names_the_variable()
    {
        var (code, _, error) = await ZapiTool.RunAsync(
            new Dictionary<string, string> { ["ZAPI_BASE_URL"] = "api.z-api.io" },
            "webhook", "show", "--instance", "I", "--token", "T");

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("from ZAPI_BASE_URL", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(405, "{}", "405", "--base-url")]
    [InlineData(415, "{}", "415", "Content-Type")]
    [InlineData(401, "{}", "401", "--token")]
    [InlineData(403, "{}", "403", "--client-token")]
    [InlineData(404, "{}", "404", "--instance")]
    [InlineData(400, """{"error":"null not allowed"}""", "null not allowed", "pass --client-token")]
    [InlineData(500, """{"error":"boom"}""", "500", "boom")]
    [InlineData(200, """{"value":false}""", "did not confirm", "value")]
    public async Task Each_documented_failure_is_one_clear_line_and_exit_code_1(int status, string body, string says, string fix)
    {
        _zapi.Answer = (status, body);

        var (code, output, error) = await Register();

        Assert.Equal(1, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(says, line, StringComparison.Ordinal);
        Assert.Contains(fix, line, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKENSECRET", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_client_token_says_to_check_it()
    {
        _zapi.Answer = (400, """{"error":"null not allowed"}""");

        var (_, _, error) = await Register("--client-token", "WRONG");

        Assert.Contains("check --client-token", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_reads_the_current_webhook_with_its_key_hidden()
    {
        _zapi.Answer = (200, $$"""{"id":"INSTANCE1","deliveryCallbackUrl":"{{Webhook}}","receivedCallbackUrl":""}""");

        var (code, output, _) = await ZapiTool.RunAsync(null, "webhook", "show", "--instance", "INSTANCE1", "--token", "TOKENSECRET", "--base-url", _zapi.BaseAddress.ToString());

        Assert.Equal(0, code);
        var request = Assert.Single(_zapi.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/instances/INSTANCE1/token/TOKENSECRET/me", request.PathAndQuery);
        Assert.Contains("https://func-zapi.azurewebsites.net/api/zapi/on-send?code=***", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTIONKEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_json_is_valid_json_with_every_field_kept_and_every_function_key_hidden()
    {
        _zapi.Answer = (200, $$$"""
            {"id":"INSTANCE1","deliveryCallbackUrl":"{{{Webhook}}}","receivedCallbackUrl":"https://other.test/hook?a=1&code=SECONDKEY&b=2",
             "connected":true,"phoneConnected":false,"due":1777494009341,"nothing":null,"name":"Loja São Paulo",
             "callbacks":{"urls":["https://third.test/x?CODE=THIRDKEY#frag",""]}}
            """);

        var (code, output, _) = await ZapiTool.RunAsync(null, "webhook", "show", "--instance", "INSTANCE1", "--token", "TOKENSECRET", "--base-url", _zapi.BaseAddress.ToString(), "--json");

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(
            ["id", "deliveryCallbackUrl", "receivedCallbackUrl", "connected", "phoneConnected", "due", "nothing", "name", "callbacks"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("INSTANCE1", json.GetProperty("id").GetString());
        Assert.Equal("https://func-zapi.azurewebsites.net/api/zapi/on-send?code=***", json.GetProperty("deliveryCallbackUrl").GetString());
        Assert.Equal("https://other.test/hook?a=1&code=***&b=2", json.GetProperty("receivedCallbackUrl").GetString());
        Assert.True(json.GetProperty("connected").GetBoolean());
        Assert.False(json.GetProperty("phoneConnected").GetBoolean());
        Assert.Equal(1777494009341, json.GetProperty("due").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("nothing").ValueKind);
        Assert.Equal("Loja São Paulo", json.GetProperty("name").GetString());
        Assert.Equal(
            ["https://third.test/x?CODE=***#frag", ""],
            json.GetProperty("callbacks").GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        foreach (var secret in new[] { "FUNCTIONKEY", "SECONDKEY", "THIRDKEY", "TOKENSECRET" })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_url_without_a_function_key_is_registered_with_a_warning()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "webhook", "register", "--instance", "I", "--token", "T", "--base-url", _zapi.BaseAddress.ToString(), "--url", "https://example.test/api/zapi/on-send");

        Assert.Equal(0, code);
        Assert.Contains("warning", error, StringComparison.Ordinal);
    }

    private Task<(int, string, string)> Register(params string[] extra) =>
        ZapiTool.RunAsync(null, ["webhook", "register", "--instance", "INSTANCE1", "--token", "TOKENSECRET", "--base-url", _zapi.BaseAddress.ToString(), "--url", Webhook, .. extra]);
}
