using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CsCheck;
using Xunit.Abstractions;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.ReliabilityTests.Support;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>
/// Property-based tests (CsCheck) of <see cref="CallbackParser"/>: whatever the bytes, it never throws and answers
/// either a valid callback or a rejection that says why; a body is accepted exactly when it has <c>type</c>
/// DeliveryCallback and an identifier, whatever else it lacks, and its envelope keeps it byte for byte; each kind of
/// bad body gets its rejection. Iterations are fixed, so the time is bounded.
/// </summary>
public sealed class ParserPropertyTests(ITestOutputHelper output, Figures figures) : IClassFixture<Figures>
{
    [Fact]
    public void Any_bytes_never_throw_and_give_either_a_valid_callback_or_a_rejection_saying_why()
    {
        const int iterations = 4000;
        var outcomes = new ConcurrentDictionary<string, int>();
        var largest = 0L;
        var clock = Stopwatch.StartNew();

        Bodies.Anything.Sample(
            body =>
            {
                var result = CallbackParser.Parse(body);
                Interlocked.Exchange(ref largest, Math.Max(Interlocked.Read(ref largest), body.Length));
                outcomes.AddOrUpdate(result.Rejection?.ToString() ?? "Accepted", 1, (_, n) => n + 1);
                Assert.True(result.Callback is null != result.Rejection is null, "exactly one of callback and rejection");
                if (result.Callback is { } callback)
                {
                    AssertIsTheCallback(body, callback);
                }
                else
                {
                    Assert.False(string.IsNullOrWhiteSpace(result.Detail));
                    Assert.Equal(result.Rejection is CallbackRejection.MissingField or CallbackRejection.InvalidField or CallbackRejection.UnexpectedType or CallbackRejection.AmbiguousField, result.Field is not null);
                }
            },
            iter: iterations,
            print: Show);

        figures.Print(output, "bad-input.parser.anything",
            ("iterations", iterations), ("outcomes", string.Join(',', outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}"))),
            ("largest_bytes", largest), ("exceptions", 0), ("elapsed", clock.Elapsed));
    }

    [Fact]
    public void Valid_callbacks_of_every_shape_are_accepted_with_their_values()
    {
        const int iterations = 2000;
        var clock = Stopwatch.StartNew();

        Bodies.Valid.Sample(
            valid =>
            {
                var bytes = valid.Body.Bytes();
                var result = CallbackParser.Parse(bytes);

                Assert.True(result.Callback is not null, result.Detail);
                var (callback, expected) = (result.Callback!, valid.Expected);
                Assert.Equal(
                    (expected.Phone, expected.ZaapId, expected.MessageId, expected.InstanceId, expected.Momment, expected.Error, expected.ErrorCode, expected.CustomId),
                    (callback.Phone, callback.ZaapId, callback.MessageId, callback.InstanceId, callback.Momment, callback.Error, callback.ErrorCode, callback.CustomId));
                Assert.Equal(expected.Error is not null || expected.ErrorCode is not null, callback.IsError);
                Assert.Empty(callback.OddFields);
                Assert.Equal(expected.MessageId ?? expected.ZaapId, callback.Id);
            },
            iter: iterations,
            print: v => Show(v.Body.Bytes()));

        figures.Print(output, "bad-input.parser.valid", ("iterations", iterations), ("rejected", 0), ("elapsed", clock.Elapsed));
    }

    [Fact]
    public void Invalid_utf8_anywhere_is_malformed_json_saying_the_body_is_not_utf8()
    {
        const int iterations = 2000;

        Bodies.WithInvalidUtf8.Sample(
            body =>
            {
                var result = CallbackParser.Parse(body);

                Assert.Equal(CallbackRejection.MalformedJson, result.Rejection);
                Assert.Contains("not valid UTF-8", result.Detail, StringComparison.Ordinal);
            },
            iter: iterations,
            print: Show);

        figures.Print(output, "bad-input.parser.invalid-utf8", ("iterations", iterations), ("accepted", 0), ("exceptions", 0));
    }

    [Fact]
    public void Unpaired_surrogate_escapes_anywhere_are_malformed_json()
    {
        const int iterations = 1000;

        Bodies.WithUnpairedSurrogate.Sample(
            body => Assert.Equal(CallbackRejection.MalformedJson, CallbackParser.Parse(body).Rejection),
            iter: iterations,
            print: Show);

        figures.Print(output, "bad-input.parser.unpaired-surrogates", ("iterations", iterations), ("accepted", 0), ("exceptions", 0));
    }

    [Fact]
    public void Any_subset_of_fields_is_accepted_exactly_when_type_and_an_identifier_are_there_and_the_envelope_keeps_the_body()
    {
        const int iterations = 4000;
        var accepted = 0;
        var receivedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        Bodies.AnySubset.Sample(
            shaped =>
            {
                var bytes = shaped.Body.Bytes();
                var result = CallbackParser.Parse(bytes);

                Assert.True(shaped.Acceptable == result.Callback is not null, $"{shaped.Shape}: {result.Rejection} {result.Detail}");
                if (result.Callback is not { } callback)
                {
                    Assert.Contains(result.Rejection, new CallbackRejection?[] { CallbackRejection.MissingField, CallbackRejection.InvalidField, CallbackRejection.UnexpectedType });
                    return;
                }

                Interlocked.Increment(ref accepted);
                var envelope = EnvelopeReader.Read(EnvelopeWriter.Write(receivedAt, "req", null, bytes, callback));
                var json = bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()) ? bytes[3..] : bytes;
                Assert.Equal(json, Encoding.UTF8.GetBytes(envelope.Callback.GetRawText()));
                Assert.Equal(callback.MissingFields.Count == 0 ? null : callback.MissingFields, envelope.MissingFields);
                Assert.Equal(callback.OddFields.Count == 0 ? null : callback.OddFields, envelope.OddFields);
                Assert.Equal(callback.Momment ?? receivedAt.ToUnixTimeMilliseconds(), callback.EventTime(receivedAt));
            },
            iter: iterations,
            print: s => $"{s.Shape}: {Show(s.Body.Bytes())}");

        Assert.InRange(accepted, iterations / 10, iterations - (iterations / 10));
        figures.Print(output, "bad-input.parser.any-subset", ("iterations", iterations), ("accepted", accepted), ("misjudged", 0));
    }

    [Fact]
    public void Only_a_missing_or_ill_typed_type_or_no_identifier_is_refused_naming_the_field()
    {
        const int iterations = 2000;

        Bodies.WithBadTypeField.Sample(
            bad =>
            {
                var result = CallbackParser.Parse(bad.Bytes);

                Assert.Equal(bad.Missing ? CallbackRejection.MissingField : CallbackRejection.InvalidField, result.Rejection);
                Assert.Equal("type", result.Field);
            },
            iter: iterations,
            print: b => Show(b.Bytes));
        Bodies.WithoutIdentifier.Sample(
            body =>
            {
                var result = CallbackParser.Parse(body);

                Assert.Equal(CallbackRejection.MissingField, result.Rejection);
                Assert.Equal("messageId", result.Field);
            },
            iter: iterations / 4,
            print: Show);

        figures.Print(output, "bad-input.parser.refused-fields", ("iterations", iterations + (iterations / 4)), ("misjudged", 0));
    }

    [Fact]
    public void Truncated_too_deep_other_encodings_other_roots_and_random_bytes_are_rejected_as_malformed_json()
    {
        const int iterations = 2000;
        var kinds = new ConcurrentDictionary<string, int>();
        var gen = Gen.OneOf(
            Bodies.Truncated.Select(b => ("truncated", b)),
            Bodies.TooDeep.Select(b => ("too-deep", b)),
            Bodies.OtherEncoding.Select(b => ("utf16/32", b)),
            Bodies.NotAnObject.Select(b => ("not-an-object", b)),
            Bodies.RandomBytes.Select(b => ("random-bytes", b)));

        gen.Sample(
            (kind, body) =>
            {
                kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
                var result = CallbackParser.Parse(body);

                // Random bytes are almost never JSON; when they are, they are still no DeliveryCallback.
                if (kind == "random-bytes")
                {
                    Assert.NotNull(result.Rejection);
                }
                else
                {
                    Assert.Equal(CallbackRejection.MalformedJson, result.Rejection);
                }
            },
            iter: iterations,
            print: c => $"{c.Item1}: {Show(c.Item2)}");

        figures.Print(output, "bad-input.parser.malformed",
            ("iterations", iterations), ("kinds", string.Join(',', kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}:{k.Value}"))), ("accepted", 0));
    }

    [Fact]
    public void Another_webhooks_type_is_an_unexpected_type_naming_the_type_field()
    {
        const int iterations = 500;

        Bodies.OtherWebhook.Sample(
            body =>
            {
                var result = CallbackParser.Parse(body);

                Assert.Equal(CallbackRejection.UnexpectedType, result.Rejection);
                Assert.Equal("type", result.Field);
            },
            iter: iterations,
            print: Show);

        figures.Print(output, "bad-input.parser.other-webhook", ("iterations", iterations), ("misjudged", 0));
    }

    /// <summary>An independent reading of an accepted body: UTF-8, one JSON object, and the callback's values in it.</summary>
    private static void AssertIsTheCallback(byte[] body, DeliveryCallback callback)
    {
        var json = body.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()) ? body[3..] : body;
        Assert.True(Utf8.IsValid(json), "accepted a body that is not UTF-8");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(DeliveryCallback.ExpectedType, root.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(callback.Id));
        foreach (var (name, value) in new[] { ("phone", callback.Phone), ("messageId", callback.MessageId), ("instanceId", callback.InstanceId), ("zaapId", callback.ZaapId) })
        {
            if (value is not null)
            {
                var element = root.GetProperty(name);
                Assert.Equal(value, element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText());
            }
        }

        Assert.True(callback.Momment is null or >= 0);
    }

    private static string Show(byte[] body) =>
        $"{body.Length} bytes: {Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 160)))}{(body.Length > 160 ? "…" : string.Empty)}";
}
