using System.Net;
using System.Text.Json;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

/// <summary>One test (or theory) per row of the ingest contract (docs/contract.md).</summary>
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
    public async Task A_callback_missing_an_expected_field_is_stored_byte_for_byte_and_the_field_recorded(string field)
    {
        var body = Without(SampleCallbacks.Errored, field);

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        var envelope = EnvelopeReader.Read(Assert.Single(_harness.Sent).Message);
        Assert.Equal(body, envelope.Callback.GetRawText());
        Assert.Equal([field], envelope.MissingFields);
        Assert.Null(envelope.OddFields);
        var counted = Assert.Single(_harness.Received.GetMeasurementSnapshot());
        Assert.Equal("incomplete", counted.Tags["fields"]);
        var logged = Assert.Single(_harness.Logger.Collector.GetSnapshot(), r => r.Id.Id == 2005);
        Assert.Contains(field, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleCallbacks.Phone, logged.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("phone", "5544999")]
    [InlineData("messageId", "true")]
    [InlineData("messageId", "12345")]
    [InlineData("instanceId", "{}")]
    [InlineData("zaapId", "\"\"")]
    [InlineData("momment", "\"1777494009341\"")]
    [InlineData("momment", "1.5")]
    [InlineData("momment", "-1")]
    [InlineData("error", "42")]
    [InlineData("errorCode", "[\"SHADOW_BAN\"]")]
    [InlineData("customId", "123")]
    public async Task A_field_of_an_unexpected_type_never_refuses_the_callback(string field, string jsonValue)
    {
        var body = With(SampleCallbacks.Errored, field, jsonValue);

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        var envelope = EnvelopeReader.Read(Assert.Single(_harness.Sent).Message);
        Assert.Equal(body, envelope.Callback.GetRawText());
        Assert.Equal([field], envelope.OddFields);
        Assert.Equal("incomplete", Assert.Single(_harness.Received.GetMeasurementSnapshot()).Tags["fields"]);
    }

    [Fact]
    public async Task The_minimal_callback_of_Z_APIs_docs_is_stored_and_a_complete_one_is_counted_complete()
    {
        const string minimal = """{"phone":"5511987654321","zaapId":"Z-min","type":"DeliveryCallback","error":"Timeout on send message"}""";

        Assert.Equal(200, (await _harness.SendAsync(TestHttp.Request(minimal))).Status);
        Assert.Equal(200, (await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored))).Status);

        var envelope = EnvelopeReader.Read(_harness.Sent[0].Message);
        Assert.Equal(["messageId", "instanceId", "momment"], envelope.MissingFields);
        Assert.Null(EnvelopeReader.Read(_harness.Sent[1].Message).MissingFields);
        Assert.Equal(["incomplete", "complete"], _harness.Received.GetMeasurementSnapshot().Select(m => m.Tags["fields"]));
    }

    [Fact]
    public async Task Without_type_is_400_naming_the_field()
    {
        var response = await _harness.SendAsync(TestHttp.Request(Without(SampleCallbacks.Delivered, "type")));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "missing-field");
        Assert.Equal("type", response.Json.GetProperty("field").GetString());
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("\"\"", "\"  \"")]
    [InlineData("true", "{}")]
    public async Task Without_any_usable_identifier_is_400_saying_which_fields_identify_a_callback(string messageId, string zaapId)
    {
        var body = With(With(SampleCallbacks.Errored, "messageId", messageId), "zaapId", zaapId);

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "missing-field");
        Assert.Contains("zaapId", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("messageId")]
    [InlineData("type")]
    [InlineData("error")]
    public async Task A_known_field_given_twice_is_400_ambiguous_field(string field)
    {
        var body = SampleCallbacks.Errored.Trim().TrimEnd('}') + $",\"{field}\":\"second\"}}";

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "ambiguous-field");
        Assert.Equal(field, response.Json.GetProperty("field").GetString());
        Assert.Empty(_harness.Sent);
    }

    [Fact]
    public async Task An_unknown_field_given_twice_is_kept()
    {
        var body = SampleCallbacks.Errored.Trim().TrimEnd('}') + ",\"extra\":1,\"extra\":2}";

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        Assert.Equal(body, EnvelopeReader.Read(Assert.Single(_harness.Sent).Message).Callback.GetRawText());
    }

    [Fact]
    public async Task The_per_instance_url_fills_a_missing_instance_id()
    {
        var body = Without(SampleCallbacks.Errored, "instanceId");

        var response = await _harness.SendAsync(TestHttp.Request(body), pathInstanceId: "inst-path");

        Assert.Equal(200, response.Status);
        var envelope = EnvelopeReader.Read(Assert.Single(_harness.Sent).Message);
        Assert.Equal("inst-path", envelope.PathInstanceId);
        Assert.Null(envelope.MissingFields);
        var counted = Assert.Single(_harness.Received.GetMeasurementSnapshot());
        Assert.Equal("path", counted.Tags["instance"]);
        Assert.Equal("complete", counted.Tags["fields"]);
    }

    [Fact]
    public async Task A_body_naming_another_instance_than_its_url_is_stored_with_both_counted_and_warned()
    {
        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored), pathInstanceId: "inst-path");

        Assert.Equal(200, response.Status);
        var envelope = EnvelopeReader.Read(Assert.Single(_harness.Sent).Message);
        Assert.Equal("inst-path", envelope.PathInstanceId);
        Assert.Equal("instance.id", envelope.Callback.GetProperty("instanceId").GetString());
        Assert.Equal("mismatch", Assert.Single(_harness.Received.GetMeasurementSnapshot()).Tags["instance"]);
        var warning = Assert.Single(_harness.Logger.Collector.GetSnapshot(), r => r.Id.Id == 2006);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("inst-path", warning.Message, StringComparison.Ordinal);
        Assert.Contains("instance.id", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instance.id", null, 200)]
    [InlineData("instance.id", "instance.id", 200)]
    [InlineData(null, "instance.id", 200)]
    [InlineData("instance.id", "stranger", 403)]
    [InlineData("stranger", "instance.id", 403)]
    [InlineData(null, "stranger", 403)]
    [InlineData(null, null, 403)]
    public async Task The_allow_list_applies_to_the_body_and_the_url_instance_ids(string? body, string? path, int status)
    {
        using var harness = new HandlerHarness(o => o.AllowedInstanceIds = "instance.id");
        var callback = body is null ? Without(SampleCallbacks.Errored, "instanceId") : With(SampleCallbacks.Errored, "instanceId", $"\"{body}\"");

        var response = await harness.SendAsync(TestHttp.Request(callback), pathInstanceId: path);

        Assert.Equal(status, response.Status);
        Assert.Equal(status == 200 ? 1 : 0, harness.Sent.Count);
        if (status == 403)
        {
            AssertProblem(response, "instance-not-allowed");
        }
    }

    [Fact]
    public async Task A_callback_that_cannot_fit_a_queue_message_is_413_not_a_503_retrying_cannot_fix()
    {
        using var harness = new HandlerHarness(o => o.MaxBodyBytes = 64 * 1024);
        var big = With(SampleCallbacks.Errored, "pad", $"\"{new string('x', 50_000)}\"");

        var response = await harness.SendAsync(TestHttp.Request(big));

        Assert.Equal(413, response.Status);
        AssertProblem(response, "payload-too-large");
        Assert.Empty(harness.Sent);
    }

    [Fact]
    public async Task Under_the_default_limit_a_50000_byte_callback_is_413_and_the_largest_accepted_body_fits_a_queue_message()
    {
        var big = With(SampleCallbacks.Errored, "pad", $"\"{new string('x', 50_000)}\"");
        var response = await _harness.SendAsync(TestHttp.Request(big));
        Assert.Equal(413, response.Status);

        var longPath = new string('p', 512);
        var largest = With(Without(SampleCallbacks.Errored, "momment"), "pad", "\"\"");
        largest = With(largest, "pad", $"\"{new string('x', _harness.Options.MaxBodyBytes - System.Text.Encoding.UTF8.GetByteCount(largest))}\"");
        Assert.Equal(_harness.Options.MaxBodyBytes, System.Text.Encoding.UTF8.GetByteCount(largest));

        var accepted = await _harness.SendAsync(TestHttp.Request(largest), pathInstanceId: longPath);

        Assert.Equal(200, accepted.Status);
        Assert.True(QueueMessageLimit.EncodedLength(Assert.Single(_harness.Sent).Message) <= QueueMessageLimit.Bytes);
    }

    [Theory]
    [InlineData("GET", "application/json", 405)]
    [InlineData("POST", "text/plain", 415)]
    public async Task Each_rejection_log_line_says_what_was_wrong(string method, string contentType, int status)
    {
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered, method: method, contentType: contentType));

        var logged = Assert.Single(_harness.Logger.Collector.GetSnapshot(), r => r.Id.Id == 2002);
        Assert.Contains($"rejected with {status}", logged.Message, StringComparison.Ordinal);
        Assert.False(logged.Message.TrimEnd().EndsWith(':'), logged.Message);
        Assert.Contains(status == 405 ? method : contentType, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_413_log_line_names_the_limit()
    {
        using var harness = new HandlerHarness(o => o.MaxBodyBytes = 256);

        await harness.SendAsync(TestHttp.Request(With(SampleCallbacks.Delivered, "pad", $"\"{new string('x', 300)}\"")));

        Assert.Contains("Zapi__MaxBodyBytes", Assert.Single(harness.Logger.Collector.GetSnapshot(), r => r.Id.Id == 2002).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReceivedCallback", "ReceivedCallback")]
    [InlineData("MessageStatusCallback", "MessageStatusCallback")]
    [InlineData("SomethingElse", "other")]
    public async Task Another_webhook_type_is_counted_by_its_type(string type, string counted)
    {
        await _harness.SendAsync(TestHttp.Request(With(SampleCallbacks.Delivered, "type", $"\"{type}\"")));

        var measurement = Assert.Single(_harness.Received.GetMeasurementSnapshot());
        Assert.Equal("rejected", measurement.Tags["outcome"]);
        Assert.Equal("unexpected-type", measurement.Tags["reason"]);
        Assert.Equal(counted, measurement.Tags["callback_type"]);
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

    [Theory]
    [InlineData(TransportSecurity.Platform)]
    [InlineData(TransportSecurity.Unchecked)]
    public async Task Plain_http_from_another_address_is_accepted_when_the_handler_does_not_judge_the_scheme(TransportSecurity transport)
    {
        using var harness = new HandlerHarness(transport: transport);

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
        string[] bad =
        [
            "{}", "[]", "nope", Without(Without(SampleCallbacks.Delivered, "messageId"), "zaapId"),
            With(SampleCallbacks.Delivered, "type", "\"X\""), SampleCallbacks.Delivered.Trim().TrimEnd('}') + ",\"phone\":\"1\"}",
        ];
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
