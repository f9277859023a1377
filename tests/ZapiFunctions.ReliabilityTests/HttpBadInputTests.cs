using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CsCheck;
using Xunit.Abstractions;
using ZapiFunctions.ReliabilityTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>
/// Property-based (CsCheck) requests to a running DevHost over a raw socket: bad bodies, wrong content types and
/// methods, oversize bodies, broken framing (Content-Length, chunking) and header abuse (huge, many, invalid). Every
/// answer is a 4xx, never a 5xx; when the app answers, it is application/problem+json; nothing is ever enqueued.
/// </summary>
public sealed class HttpBadInputTests(ITestOutputHelper output, Figures figures) : DevHostTests, IClassFixture<Figures>
{
    private const int Cases = 300;

    private static readonly string[] JsonTypes = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.zapi+json"];
    private static readonly string?[] OtherTypes =
        [null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
         "application/json; charset=iso-8859-1", "%%%", "", "application/xml", "json"];

    private static readonly string[] BadLengths = ["abc", "-1", "1.5", "99999999999999999999999", "12, 13", "0x10", " "];

    /// <summary>What to send: the content, how it is framed, and which header abuse (if any) comes with it.</summary>
    public sealed record BadRequest(string Content, string Method, string? ContentType, byte[] Body, string Framing, string Abuse, int Size)
    {
        public override string ToString() =>
            $"{Content}/{Framing}/{Abuse} {Method} '{ContentType}' {Body.Length} bytes (size {Size}): {Convert.ToHexString(Body.AsSpan(0, Math.Min(Body.Length, 80)))}";
    }

    private static Gen<BadRequest> Requests
    {
        get
        {
            var valid = Bodies.Valid.Select(v => v.Body.Bytes());
            var content = Gen.Frequency(
                (6, Gen.Select(Bodies.Invalid, Gen.OneOf(JsonTypes), (body, type) => ("bad-body", "POST", (string?)type, body))),
                (1, Gen.Select(valid, Gen.Int[65_537 - 300, 300_000], Gen.OneOf(JsonTypes), (body, size, type) =>
                    ("too-large", "POST", (string?)type, (byte[])[.. body[..^1], .. Encoding.UTF8.GetBytes(",\"x-pad\":\"" + new string('x', size) + "\"}")]))),
                (2, Gen.Select(valid, Gen.OneOf(OtherTypes), (body, type) => ("content-type", "POST", type, body))),
                (1, Gen.Select(valid, Gen.OneOf("GET", "PUT", "DELETE", "PATCH", "OPTIONS"), (body, method) => ("method", method, (string?)"application/json", body))));
            var framing = Gen.Frequency(
                (6, Gen.Const("length")), (2, Gen.Const("chunked")), (1, Gen.Const("short-body")), (1, Gen.Const("bad-chunk")),
                (1, Gen.Const("bad-length")), (1, Gen.Const("two-lengths")), (1, Gen.Const("chunked-and-length")));
            var abuse = Gen.Frequency(
                (8, Gen.Const("none")), (1, Gen.Const("huge-header")), (1, Gen.Const("many-headers")), (1, Gen.Const("long-url")),
                (1, Gen.Const("control-char")), (1, Gen.Const("expect-continue")), (1, Gen.Const("no-host")),
                (1, Gen.Const("two-content-types")), (1, Gen.Const("folded-header")));
            return Gen.Select(content, framing, abuse, Gen.Int[1, 60_000], (c, f, a, size) => new BadRequest(c.Item1, c.Item2, c.Item3, c.Item4, f, a, size));
        }
    }

    [Fact]
    public async Task Bad_requests_of_every_kind_get_a_4xx_never_a_5xx_problem_json_from_the_app_and_nothing_is_enqueued()
    {
        var port = DevHost.BaseAddress.Port;
        var statuses = new ConcurrentBag<int>();
        var byKind = new ConcurrentDictionary<string, int>();
        var serverLevel = new ConcurrentDictionary<string, int>();
        var noAnswer = 0;

        await Requests.SampleAsync(
            async request =>
            {
                // A client that promised more body than it sent hangs up: Kestrel drops the request unanswered.
                var hangUp = request.Framing == "short-body";
                var response = await RawHttp.SendAsync(port, Render(request, port), TimeSpan.FromSeconds(30), hangUp);
                if (response is null)
                {
                    Interlocked.Increment(ref noAnswer);
                    Assert.True(hangUp, $"no answer to {request}");
                    return;
                }

                statuses.Add(response.Status);
                byKind.AddOrUpdate($"{request.Content}/{request.Framing}/{request.Abuse}", 1, (_, n) => n + 1);
                Assert.True(response.Status is >= 400 and < 500, $"{response.Status} for {request}: {Encoding.UTF8.GetString(response.Body)}");
                if (response.Body.Length > 0)
                {
                    Assert.Equal("application/problem+json", response.ContentType);
                }
                else
                {
                    // Kestrel refused the request before the app saw it (431, 414, malformed framing or headers): its
                    // own answer has no body. Nothing to enqueue either.
                    serverLevel.AddOrUpdate($"{response.Status} {request.Framing}/{request.Abuse}", 1, (_, n) => n + 1);
                }
            },
            iter: Cases,
            threads: 4,
            print: r => r.ToString());

        var deliveries = await Storage.CountAsync(Azurite.Queue(Storage.Deliveries));
        var errored = await Storage.CountAsync(Azurite.Queue(Storage.ErroredSends));
        var rows = (await Storage.RowsAsync(Azurite)).Count;
        var enqueuedLines = DevHost.Output.Count(line => line.Contains(" enqueued on ", StringComparison.Ordinal));
        var fiveXx = statuses.Count(s => s >= 500);
        figures.Print(output, "bad-input.http",
            ("cases", Cases), ("statuses", Figures.Statuses(statuses)), ("5xx", fiveXx), ("unanswered_client_hung_up", noAnswer),
            ("answered_by_app_problem_json", statuses.Count - serverLevel.Values.Sum()),
            ("refused_by_kestrel_without_body", Figures.Statuses(serverLevel.SelectMany(s => Enumerable.Repeat(int.Parse(s.Key.Split(' ')[0], CultureInfo.InvariantCulture), s.Value)))),
            ("enqueued", deliveries + errored + rows + enqueuedLines), ("kinds", byKind.Count));

        Assert.Equal(0, fiveXx);
        Assert.Equal(0, deliveries);
        Assert.Equal(0, errored);
        Assert.Equal(0, rows);
        Assert.Equal(0, enqueuedLines);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_a_408_problem_and_nothing_is_enqueued()
    {
        var port = DevHost.BaseAddress.Port;
        var body = Bodies.Valid.Single().Body.Bytes();
        var request = Render(new BadRequest("stalled", "POST", "application/json", body, "short-body", "none", 50), port);

        // Kestrel's minimum body data rate (240 bytes/s after a 5 s grace) ends the wait for the missing bytes.
        var response = await RawHttp.SendAsync(port, request, TimeSpan.FromSeconds(60));

        Assert.NotNull(response);
        Assert.Equal(408, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("unreadable-body", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        Assert.Equal(0, await Storage.CountAsync(Azurite.Queue(Storage.Deliveries)));
        figures.Print(output, "bad-input.http.stalled-body", ("status", response.Status), ("content_type", response.ContentType));
    }

    private static byte[] Render(BadRequest request, int port)
    {
        var head = new StringBuilder();
        var path = "/api/zapi/on-send" + (request.Abuse == "long-url" ? "?q=" + new string('q', 2_000 + request.Size / 3) : string.Empty);
        head.Append(CultureInfo.InvariantCulture, $"{request.Method} {path} HTTP/1.1\r\n");
        if (request.Abuse != "no-host")
        {
            head.Append(CultureInfo.InvariantCulture, $"Host: 127.0.0.1:{port}\r\n");
        }

        if (request.ContentType is not null)
        {
            head.Append("Content-Type: ").Append(request.ContentType).Append("\r\n");
        }

        switch (request.Abuse)
        {
            case "huge-header":
                head.Append("X-Pad: ").Append('h', request.Size).Append("\r\n");
                break;
            case "many-headers":
                for (var i = 0; i < 50 + (request.Size % 250); i++)
                {
                    head.Append(CultureInfo.InvariantCulture, $"X-Header-{i}: ").Append('m', 100).Append("\r\n");
                }

                break;
            case "control-char":
                head.Append("X-Bad: a\u0001b\r\n");
                break;
            case "expect-continue":
                head.Append("Expect: 100-continue\r\n");
                break;
            case "two-content-types":
                head.Append("Content-Type: text/plain\r\n");
                break;
            case "folded-header":
                head.Append("X-Folded: a\r\n  b\r\n");
                break;
        }

        var body = request.Body;
        switch (request.Framing)
        {
            case "length":
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
                break;
            case "short-body":
                // Promises more than it sends, then hangs up: the body ends early.
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length + 1 + (request.Size % 100)}\r\n");
                break;
            case "bad-length":
                head.Append("Content-Length: ").Append(BadLengths[request.Size % BadLengths.Length]).Append("\r\n");
                break;
            case "two-lengths":
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nContent-Length: {body.Length + 1}\r\n");
                break;
            case "chunked" or "bad-chunk" or "chunked-and-length":
                head.Append("Transfer-Encoding: chunked\r\n");
                if (request.Framing == "chunked-and-length")
                {
                    head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
                }

                body = Chunk(body, 1 + (request.Size % 5000), request.Framing == "bad-chunk");
                break;
        }

        head.Append("Connection: close\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private static byte[] Chunk(byte[] body, int size, bool broken)
    {
        using var chunked = new MemoryStream();
        for (var at = 0; at < body.Length; at += size)
        {
            var length = Math.Min(size, body.Length - at);
            var line = broken && at == 0 ? "zz\r\n" : length.ToString("x", CultureInfo.InvariantCulture) + "\r\n";
            chunked.Write(Encoding.Latin1.GetBytes(line));
            chunked.Write(body, at, length);
            chunked.Write("\r\n"u8);
        }

        chunked.Write(broken && body.Length == 0 ? "zz\r\n\r\n"u8 : "0\r\n\r\n"u8);
        return chunked.ToArray();
    }
}
