using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Ingest;

/// <summary>
/// The ingest contract's "not JSON" row for bodies that are not UTF-8 text (RFC 8259: JSON is UTF-8): a 400
/// <c>malformed-json</c> wherever the bad bytes are, known field or not, and nothing enqueued; and a body the server
/// cannot read to its end is a 4xx, not a 500.
/// </summary>
public sealed class OnSendEncodingContractTests : IDisposable
{
    private const string Marker = "@@BAD@@";

    private readonly HandlerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    public static TheoryData<string, string> InvalidUtf8Placements() => new()
    {
        // Where the bad bytes go (the marker), and which bytes.
        { """{"phone":"5544@@BAD@@99","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback"}""", "C3 28" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback","error":"Phone @@BAD@@"}""", "FF" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"Delivery@@BAD@@"}""", "ED A0 80" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback","note":"x@@BAD@@"}""", "C3 28" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback","extra":{"deep":["@@BAD@@"]}}""", "C0 AF" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback","n@@BAD@@me":1}""", "F0 9F 98" },
        { """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback"}@@BAD@@""", "80" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Placements))]
    public async Task Invalid_utf8_anywhere_is_400_malformed_json_saying_not_utf8_and_nothing_is_enqueued(string template, string hex)
    {
        var response = await _harness.SendAsync(TestHttp.Request(WithBytes(template, hex)));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "malformed-json");
        Assert.Contains("not valid UTF-8", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Fact]
    public async Task A_utf16_body_is_400_malformed_json_naming_utf16()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(SampleCallbacks.Delivered)).ToArray();

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "malformed-json");
        Assert.Contains("UTF-16", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Theory]
    [InlineData("""{"phone":"\ud800","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1,"type":"DeliveryCallback"}""")]
    [InlineData("""{"phone":"55","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1,"type":"DeliveryCallback","note":"\udc00"}""")]
    [InlineData("""{"phone":"55","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1,"type":"DeliveryCallback","\ud83d":"x"}""")]
    public async Task An_escape_that_is_not_a_unicode_character_is_400_malformed_json_wherever_it_is(string body)
    {
        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(400, response.Status);
        AssertProblem(response, "malformed-json");
        Assert.Contains("surrogate", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Fact]
    public async Task Valid_non_ascii_utf8_and_escaped_surrogate_pairs_are_accepted_and_kept_verbatim()
    {
        const string body = """{"phone":"554499","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1,"type":"DeliveryCallback","error":"Número não existe 😀","note":"\ud83d\ude00"}""";

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        var sent = Assert.Single(_harness.Sent);
        Assert.Equal(body, EnvelopeReader.Read(sent.Message).Callback.GetRawText());
    }

    [Fact]
    public async Task A_leading_utf8_byte_order_mark_is_ignored_and_not_queued()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(SampleCallbacks.Delivered)).ToArray();

        var response = await _harness.SendAsync(TestHttp.Request(body));

        Assert.Equal(200, response.Status);
        var sent = Assert.Single(_harness.Sent);
        Assert.Equal(SampleCallbacks.Delivered, EnvelopeReader.Read(sent.Message).Callback.GetRawText());
    }

    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    public async Task A_body_the_server_cannot_read_to_its_end_is_a_4xx_problem_not_a_500(int serverStatus)
    {
        var request = TestHttp.Request(SampleCallbacks.Delivered);
        request.Body = new FailingStream(new BadHttpRequestException("Unexpected end of request content.", serverStatus));

        var response = await _harness.SendAsync(request);

        Assert.Equal(serverStatus, response.Status);
        AssertProblem(response, "unreadable-body");
        Assert.DoesNotContain("Unexpected end", response.Body, StringComparison.Ordinal);
        Assert.Empty(_harness.Sent);
    }

    [Fact]
    public async Task The_servers_own_body_limit_is_413()
    {
        var request = TestHttp.Request(SampleCallbacks.Delivered);
        request.Body = new FailingStream(new BadHttpRequestException("Request body too large.", 413));

        var response = await _harness.SendAsync(request);

        Assert.Equal(413, response.Status);
        AssertProblem(response, "payload-too-large");
        Assert.Empty(_harness.Sent);
    }

    private static byte[] WithBytes(string template, string hex)
    {
        var at = template.IndexOf(Marker, StringComparison.Ordinal);
        return
        [
            .. Encoding.UTF8.GetBytes(template[..at]),
            .. Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)),
            .. Encoding.UTF8.GetBytes(template[(at + Marker.Length)..]),
        ];
    }

    private static void AssertProblem(TestHttp.Response response, string kind)
    {
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal($"urn:zapi-functions:problem:{kind}", response.Json.GetProperty("type").GetString());
        Assert.Equal(response.Status, response.Json.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("detail").ValueKind);
    }

    /// <summary>A request body whose read fails as Kestrel's does when the request is cut short or malformed.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(failure);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException<int>(failure);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
