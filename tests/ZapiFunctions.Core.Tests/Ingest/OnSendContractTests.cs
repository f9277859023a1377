using System.Net;
using System.Text.Json;
using Moq;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Tests.Support;

namespace ZapiFunctions.Core.Tests.Ingest;

/// <summary>One test (or theory) per row of the ingest contract in design.md.</summary>
public sealed class OnSendContractTests : IDisposable
{
    private readonly HandlerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Wrong_method_is_405_with_Allow_POST_and_nothing_enqueued(string method)
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, method: method));

        Assert.Equal(405, response.Status);
        Assert.Equal("POST", response.Headers.Allow.ToString());
        AssertProblem(response, "method-not-allowed");
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData(null)]
    public async Task Non_json_content_type_is_415(string? contentType)
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, contentType: contentType));

        Assert.Equal(415, response.Status);
        AssertProblem(response, "unsupported-media-type");
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("application/vnd.zapi+json")]
    public async Task Json_content_types_are_accepted(string contentType)
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, contentType: contentType));

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Body_over_the_limit_by_content_length_is_413()
    {
        using var harness = new HandlerHarness(o => o.MaxBodyBytes = 256);
        var big = SampleCallbacks.Delivered.Replace("\"type\"", $"\"pad\":\"{new string('x', 300)}\",\"type\"", StringComparison.Ordinal);

        var response = await harness.SendAsync(TestHttp.Request(big));

        Assert.Equal(413, response.Status);
        AssertProblem(response, "payload-too-large");
        Assert.Empty(harness.Sent);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_even_without_content_length()
    {
        using var harness = new HandlerHarness(o => o.MaxBodyBytes = 256);
        var big = SampleCallbacks.Delivered.Replace("\"type\"", $"\"pad\":\"{new string('x', 5000)}\",\"type\"", StringComparison.Ordinal);

        var response = await harness.SendAsync(TestHttp.Request(big, sendContentLength: false));

        Assert.Equal(413, response.Status);
        Assert.Empty(harness.Sent);
    }

    [Fact]
    public async Task Body_at_exactly_the_limit_is_accepted()
    {
        var body = SampleCallbacks.Delivered;
        using var harness = new HandlerHarness(o => o.MaxBodyBytes = System.Text.Encoding.UTF8.GetByteCount(body));

        var response = await harness.SendAsync(TestHttp.Request(body, sendContentLength: false));

        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("\"DeliveryCallback\"")]
    public async Task Malformed_json_is_400(string body)
    {
        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "malformed-json");
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("zaapId")]
    [InlineData("messageId")]
    [InlineData("instanceId")]
    [InlineData("momment")]
    [InlineData("type")]
    public async Task Missing_required_field_is_400_naming_the_field(string field)
    {
        var body = Without(SampleCallbacks.Delivered, field);

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "missing-field");
        Assert.Equal(field, response.Json.GetProperty("field").GetString());
        Assert.Contains($"\"{field}\"", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("phone", "5544999")]
    [InlineData("messageId", "true")]
    [InlineData("instanceId", "{}")]
    [InlineData("zaapId", "\"\"")]
    [InlineData("momment", "\"1777494009341\"")]
    [InlineData("momment", "1.5")]
    [InlineData("momment", "-1")]
    [InlineData("error", "42")]
    [InlineData("errorCode", "[\"SHADOW_BAN\"]")]
    public async Task Ill_typed_field_is_400_naming_the_field(string field, string jsonValue)
    {
        var body = With(SampleCallbacks.Delivered, field, jsonValue);

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "invalid-field");
        Assert.Equal(field, response.Json.GetProperty("field").GetString());
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("ReceivedCallback")]
    [InlineData("MessageStatusCallback")]
    [InlineData("DisconnectedCallback")]
    public async Task Other_webhook_type_is_422_saying_to_register_only_on_send(string type)
    {
        var body = With(SampleCallbacks.Delivered, "type", $"\"{type}\"");

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(422, response.Status);
        AssertProblem(response, "unexpected-callback-type");
        Assert.Contains(type, response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Fact]
    public async Task Instance_outside_the_allow_list_is_403()
    {
        using var harness = new HandlerHarness(o => o.AllowedInstanceIds = "other-instance, third");

        var response = await harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(403, response.Status);
        AssertProblem(response, "instance-not-allowed");
        Assert.Empty(harness.Sent);
    }

    [Fact]
    public async Task Instance_in_the_allow_list_is_accepted()
    {
        using var harness = new HandlerHarness(o => o.AllowedInstanceIds = "other-instance,instance.id");

        var response = await harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(200, response.Status);
        Assert.Single(harness.Sent);
    }

    [Fact]
    public async Task Plain_http_from_a_remote_caller_is_refused_when_https_is_required()
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, https: false));

        Assert.Equal(403, response.Status);
        AssertProblem(response, "https-required");
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Plain_http_from_loopback_is_accepted_for_local_development(string address)
    {
        var response = await _harness.SendAsync(
            TestHttp.Request(SampleCallbacks.Delivered, https: false, remote: IPAddress.Parse(address)));

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Plain_http_is_accepted_when_the_switch_is_off()
    {
        using var harness = new HandlerHarness(o => o.RequireHttps = false);

        var response = await harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, https: false));

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Queue_failure_is_503_with_Retry_After()
    {
        _harness.Queue
            .Setup(q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "storage down"));

        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(503, response.Status);
        Assert.Equal("30", response.Headers.RetryAfter.ToString());
        AssertProblem(response, "queue-unavailable");
    }

    [Fact]
    public async Task Queue_slower_than_the_deadline_is_503_and_the_write_is_cancelled()
    {
        using var harness = new HandlerHarness(o => o.EnqueueTimeout = TimeSpan.FromMilliseconds(100));
        CancellationToken seen = default;
        harness.Queue
            .Setup(q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Returns((string _, BinaryData _, CancellationToken ct) =>
            {
                seen = ct;
                return Task.Delay(Timeout.InfiniteTimeSpan, ct);
            });

        var response = await harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(503, response.Status);
        Assert.True(seen.IsCancellationRequested, "the queue write should have been cancelled at the deadline");
    }

    [Fact]
    public async Task Errors_are_problem_json_with_status_title_detail_and_request_id()
    {
        var response = await _harness.SendAsync(TestHttp.Request("{}"));

        Assert.Equal("application/problem+json", response.ContentType);
        var json = response.Json;
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        Assert.Equal(32, json.GetProperty("requestId").GetString()!.Length);
    }

    [Theory]
    [InlineData(SampleCallbacks.Delivered, "zapi-deliveries")]
    [InlineData(SampleCallbacks.Errored, "zapi-errored-sends")]
    [InlineData(SampleCallbacks.ShadowBan, "zapi-errored-sends")]
    public async Task Accepted_callbacks_are_routed_by_the_error_field(string body, string queue)
    {
        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        var sent = Assert.Single(_harness.Sent);
        Assert.Equal(queue, sent.Queue);
        Assert.Equal("enqueued", response.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Queue_names_come_from_options()
    {
        using var harness = new HandlerHarness(o =>
        {
            o.DeliveriesQueue = "custom-ok";
            o.ErroredSendsQueue = "custom-bad";
        });

        await harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));
        await harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored));

        Assert.Equal(["custom-ok", "custom-bad"], harness.Sent.Select(s => s.Queue));
    }

    [Fact]
    public async Task The_queued_envelope_keeps_the_callback_bytes_and_correlates_with_the_response()
    {
        const string body = """{"type":"DeliveryCallback","phone":"5511988887777","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"futureField":{"nested":[1,2.50,"\u00e9"]}}""";

        var response = await _harness.SendAsync(TestHttp.Request(body));

        var sent = Assert.Single(_harness.Sent);
        var envelope = EnvelopeReader.Read(sent.Message);
        Assert.Equal(body, envelope.Callback.GetRawText());
        Assert.Equal(_harness.Time.GetUtcNow(), envelope.ReceivedAt);
        Assert.Equal(response.Json.GetProperty("requestId").GetString(), envelope.RequestId);
        Assert.Equal(CallbackEnvelope.CurrentVersion, envelope.Version);
    }

    [Fact]
    public async Task Nothing_is_enqueued_for_any_rejected_request()
    {
        string[] bad = ["{}", "[]", "nope", Without(SampleCallbacks.Delivered, "phone"), With(SampleCallbacks.Delivered, "type", "\"X\"")];
        foreach (var body in bad)
        {
            await _harness.SendAsync(TestHttp.Request(body));
        }

        _harness.Queue.Verify(
            q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    internal static string Without(string json, string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }

    internal static string With(string json, string field, string jsonValue)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(jsonValue);
        return node.ToJsonString();
    }

    private static void AssertProblem(TestHttp.Response response, string kind)
    {
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal($"urn:zapi-functions:problem:{kind}", response.Json.GetProperty("type").GetString());
        Assert.Equal(response.Status, response.Json.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("detail").ValueKind);
    }
}
