using System.Globalization;
using System.Text;
using System.Text.Json;
using ZapiFunctions.Cli;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary><c>zapi webhook</c> against a real local HTTP server playing Z-API.</summary>
public sealed class WebhookCommandTests : IAsyncLifetime
{
    private const string Webhook = "https://func-zapi.azurewebsites.net/api/zapi/on-send?code=FUNCTIONKEY";
    private const string PerInstance = "https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY";
    private const string Shared = Webhook;

    /// <summary>The deployment's output, placeholder and all, with its function key.</summary>
    private const string Deployed = "https://func-zapi.azurewebsites.net/api/instance/{instanceId}/delivery?code=FUNCTIONKEY";
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
        Assert.Equal(PerInstance, JsonDocument.Parse(request.Body).RootElement.GetProperty("value").GetString());
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
    public async Task A_web_page_answered_with_200_is_named_as_not_json_instead_of_an_empty_body()
    {
        _zapi.Answer = (200, "<!doctype html><html><body>Sign in</body></html>");
        _zapi.AnswerContentType = "text/html";

        var (code, _, error) = await Register();

        Assert.Equal(1, code);
        Assert.Equal(
            "error: Z-API answered 200 with a body that is not JSON (text/html): check that --base-url is Z-API's API address (https://api.z-api.io).",
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd());
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

    [Fact]
    public async Task The_shared_url_given_registers_the_per_instance_url_and_warns_which_key_it_needs()
    {
        var (code, output, error) = await RegisterUrl(Webhook);

        Assert.Equal(0, code);
        Assert.Equal(PerInstance, RegisteredUrl());
        Assert.Equal(
            "Registered https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=*** (the per-instance URL) as the On send webhook of instance INSTANCE1.",
            output.Trim());
        var warning = Assert.Single(Lines(error));
        Assert.StartsWith("warning: registering the per-instance URL in place of the shared one given: its ?code= must be a host key or the InstanceDelivery function's key", warning, StringComparison.Ordinal);
        Assert.Contains("--shared", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://func-zapi.azurewebsites.net?code=FUNCTIONKEY")]
    [InlineData("https://func-zapi.azurewebsites.net/?code=FUNCTIONKEY")]
    [InlineData("https://func-zapi.azurewebsites.net/api/instance/{instanceId}/delivery?code=FUNCTIONKEY")]
    [InlineData("https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY")]
    public async Task The_app_base_url_or_the_deployment_output_with_its_placeholder_registers_the_per_instance_url(string url)
    {
        var (code, output, error) = await RegisterUrl(url);

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Equal(PerInstance, RegisteredUrl());
        Assert.Contains("(the per-instance URL)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_placeholder_in_a_path_of_its_own_is_filled_where_it_stands()
    {
        var (code, _, error) = await RegisterUrl("https://gateway.example.test/zapi/{instanceId}/hook?code=K&x=1");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Equal("https://gateway.example.test/zapi/INSTANCE1/hook?code=K&x=1", RegisteredUrl());
    }

    [Theory]
    [InlineData("https://func-zapi.azurewebsites.net/api/zapi/on-send?code=FUNCTIONKEY", false)]
    [InlineData("https://func-zapi.azurewebsites.net?code=FUNCTIONKEY", false)]
    [InlineData("https://func-zapi.azurewebsites.net/api/instance/{instanceId}/delivery?code=FUNCTIONKEY", true)]
    [InlineData("https://func-zapi.azurewebsites.net/api/instance/INSTANCE1/delivery?code=FUNCTIONKEY", true)]
    public async Task Shared_registers_the_shared_url(string url, bool otherFunctionsKey)
    {
        var (code, output, error) = await RegisterUrl(url, "--shared");

        Assert.Equal(0, code);
        Assert.Equal(Shared, RegisteredUrl());
        Assert.Equal(
            "Registered https://func-zapi.azurewebsites.net/api/zapi/on-send?code=*** (the shared URL) as the On send webhook of instance INSTANCE1.",
            output.Trim());
        if (otherFunctionsKey)
        {
            Assert.StartsWith(
                "warning: registering the shared URL in place of the per-instance one given: its ?code= must be a host key or the OnSend function's key",
                Assert.Single(Lines(error)),
                StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(error);
        }
    }

    [Fact]
    public async Task An_instance_id_with_characters_that_end_or_split_a_path_is_escaped_as_one_segment()
    {
        var (code, output, _) = await ZapiTool.RunAsync(
            null, "webhook", "register", "--instance", "team/a#1?x%", "--token", "T", "--base-url", _zapi.BaseAddress.ToString(),
            "--url", "https://func-zapi.azurewebsites.net/api/instance/{instanceId}/delivery?code=K");

        Assert.Equal(0, code);
        Assert.Equal("https://func-zapi.azurewebsites.net/api/instance/team%2Fa%231%3Fx%25/delivery?code=K", RegisteredUrl());
        Assert.Contains("/api/instance/team%2Fa%231%3Fx%25/delivery?code=***", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://gateway.example.test/hooks/zapi?code=K")]
    [InlineData("https://func-zapi.azurewebsites.net/api/zapi/other?code=K")]
    [InlineData("https://func-zapi.azurewebsites.net/api?code=K")]
    public async Task Any_other_path_is_registered_as_given_with_or_without_shared(string url)
    {
        var (code, output, error) = await RegisterUrl(url);
        var (sharedCode, sharedOutput, _) = await RegisterUrl(url, "--shared");

        Assert.Equal((0, 0, string.Empty), (code, sharedCode, error));
        Assert.Equal([url, url], _zapi.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("value").GetString()));
        Assert.Contains("(the URL as given)", output, StringComparison.Ordinal);
        Assert.Contains("(the URL as given)", sharedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_instances_per_instance_url_is_registered_as_given_with_a_warning()
    {
        var url = "https://func-zapi.azurewebsites.net/api/instance/OTHER/delivery?code=K";

        var (code, _, error) = await RegisterUrl(url);

        Assert.Equal(0, code);
        Assert.Equal(url, RegisteredUrl());
        Assert.StartsWith("warning: the URL is the per-instance URL of instance OTHER, not of INSTANCE1", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_with_a_placeholder_in_a_path_of_its_own_is_a_one_line_usage_error()
    {
        var (code, output, error) = await RegisterUrl("https://gateway.example.test/zapi/{instanceId}/hook?code=K", "--shared");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal(
            "error: --shared: the URL's path '/zapi/{instanceId}/hook' is not the app's, so its shared URL is unknown; give the app's base URL or its /api/zapi/on-send URL.",
            Assert.Single(Lines(error)));
        Assert.Empty(_zapi.Requests);
    }

    [Fact]
    public async Task Register_help_says_the_per_instance_url_is_the_default_and_what_shared_does()
    {
        var (code, output, _) = await ZapiTool.RunAsync(null, "webhook", "register", "--help");

        Assert.Equal(0, code);
        Assert.Contains("to the app's per-instance URL, /api/instance/<--instance>/delivery", output, StringComparison.Ordinal);
        Assert.Contains("/api/instance/{instanceId}/delivery URL (the deployment's output) registers the per-instance URL of --instance", output, StringComparison.Ordinal);
        Assert.Matches(@"--shared\s+Register the shared /api/zapi/on-send URL instead of the per-instance one", output);
    }

    private string? RegisteredUrl() =>
        JsonDocument.Parse(Assert.Single(_zapi.Requests).Body).RootElement.GetProperty("value").GetString();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Task<(int, string, string)> RegisterUrl(string url, params string[] extra) =>
        ZapiTool.RunAsync(null, ["webhook", "register", "--instance", "INSTANCE1", "--token", "TOKENSECRET", "--base-url", _zapi.BaseAddress.ToString(), "--url", url, .. extra]);

    private Task<(int, string, string)> Register(params string[] extra) => RegisterUrl(Deployed, extra);
}
