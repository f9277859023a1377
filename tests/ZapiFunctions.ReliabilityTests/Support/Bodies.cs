using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>A JSON member as written: its name and its raw JSON value.</summary>
public sealed record Member(string Name, string Json);

/// <summary>
/// A generated DeliveryCallback body: its members in order, the whitespace between tokens, whether non-ASCII text is
/// escaped (<c>\u00e9</c>) or raw UTF-8, and whether a UTF-8 byte order mark leads it. <see cref="Bytes"/> renders it.
/// </summary>
public sealed record Body(IReadOnlyList<Member> Members, string Space, bool Bom)
{
    public byte[] Bytes()
    {
        var json = new StringBuilder("{").Append(Space);
        for (var i = 0; i < Members.Count; i++)
        {
            json.Append(i == 0 ? string.Empty : "," + Space).Append(Members[i].Name).Append(Space).Append(':').Append(Space).Append(Members[i].Json);
        }

        var bytes = Encoding.UTF8.GetBytes(json.Append(Space).Append('}').ToString());
        return Bom ? [.. Encoding.UTF8.GetPreamble(), .. bytes] : bytes;
    }

    /// <summary>The same body with member <paramref name="name"/>'s value set (added if absent), or removed when null.</summary>
    public Body With(string name, string? json)
    {
        var key = Bodies.Quote(name);
        var others = Members.Where(m => m.Name != key).ToList();
        if (json is null)
        {
            return this with { Members = others };
        }

        return this with
        {
            Members = others.Count < Members.Count
                ? Members.Select(m => m.Name == key ? m with { Json = json } : m).ToList()
                : [.. Members, new Member(key, json)],
        };
    }
}

/// <summary>What a valid generated callback must parse to (null: the field was left out).</summary>
public sealed record Expected(
    string? Phone, string? ZaapId, string? MessageId, string? InstanceId, long? Momment, string? Error, string? ErrorCode, string? CustomId);

/// <summary>A body with any subset of the known fields, each absent, usable or odd, and whether it must be accepted.</summary>
public sealed record Shaped(Body Body, bool Acceptable, string Shape);

/// <summary>
/// CsCheck generators of request bodies: valid DeliveryCallbacks of every shape real senders use (any subset of the
/// optional fields, any Unicode text, escaped or raw, members in any order, unknown members, whitespace, optionally a
/// BOM), and the ways a body goes wrong (random bytes, truncation, invalid UTF-8 anywhere, unpaired surrogate escapes,
/// no usable type or identifier, other roots, deep nesting, UTF-16/32, another webhook's type).
/// </summary>
public static class Bodies
{
    /// <summary>Fields an unpaired surrogate is put into by <see cref="WithUnpairedSurrogate"/>.</summary>
    public static readonly string[] Required = ["type", "phone", "zaapId", "messageId", "instanceId", "momment"];

    /// <summary>Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, past U+10FFFF, invalid, truncated.</summary>
    public static readonly string[] InvalidUtf8 = ["80", "BF", "C0AF", "C328", "E282", "EDA080", "EDBFBF", "F4908080", "F8888080", "FE", "FF", "F09F98"];

    private static readonly string[] Solid = ["a", "Z", "7", "é", "ç", "中", "😀", "@", "+"];
    private static readonly string[] Pieces = ["a", "Z", "7", "-", "_", ".", "@", "é", "ã", "中", "😀", "👍🏽", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u007f", "\u2028", "\uFEFF"];
    private static readonly string[] Spaces = ["", " ", "\n", "\r\n\t", "  "];
    private static readonly Gen<string?> NoText = Gen.Const((string?)null);
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Non-empty, non-blank text of any Unicode characters (surrogate pairs kept whole).</summary>
    public static readonly Gen<string> Text =
        Gen.Select(Gen.OneOf(Solid), Gen.OneOf(Pieces).Array[0, 12], (first, rest) => first + string.Concat(rest));

    /// <summary>A small JSON value of any kind, for unknown members.</summary>
    public static readonly Gen<string> AnyJson = Gen.Recursive<string>((depth, inner) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Text, inner).Array[0, 3].Select(ms => "{" + string.Join(",", ms.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}"))));

    /// <summary>
    /// A valid DeliveryCallback, with what it must parse to: <c>type</c> and at least one of <c>messageId</c> and
    /// <c>zaapId</c>, and any subset of the other fields real senders send.
    /// </summary>
    public static readonly Gen<(Body Body, Expected Expected)> Valid =
        Gen.Select(
            Gen.Select(Optional(Text, 1), Optional(Text, 3), Optional(Text, 3), Optional(Text, 1), Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long[0, long.MaxValue].Select(m => (long?)m)))),
            Gen.Select(Optional(Text, 1, absent: 2), Optional(Text, 1, absent: 3), Optional(Text, 1, absent: 2)),
            Gen.Select(Gen.Select(Text, AnyJson).Array[0, 3], Gen.Bool, Gen.OneOf(Spaces), Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))), Gen.Int.Array[12]),
            (ids, optional, shape) =>
            {
                var (phone, zaapId, messageId, instanceId, momment) = ids;
                var (error, errorCode, customId) = optional;
                var (unknown, escapeAll, space, bom, order) = shape;
                var members = new List<Member> { new(Quote("type"), Literal("DeliveryCallback", escapeAll)) };
                void Add(string name, string? value)
                {
                    if (value is not null)
                    {
                        members.Add(new(Quote(name), Literal(value, escapeAll)));
                    }
                }

                Add("phone", phone);
                Add("zaapId", zaapId);
                Add("messageId", messageId);
                Add("instanceId", instanceId);
                if (momment is not null)
                {
                    members.Add(new(Quote("momment"), momment.Value.ToString(CultureInfo.InvariantCulture)));
                }

                Add("error", error);
                Add("errorCode", errorCode);
                Add("customId", customId);
                members.AddRange(unknown.Select(u => new Member(Literal("x-" + u.Item1, escapeAll), u.Item2)));
                var shuffled = members.Select((m, i) => (m, key: order[i % order.Length] ^ i)).OrderBy(p => p.key).Select(p => p.m).ToList();
                return (new Body(shuffled, space, bom), new Expected(phone, zaapId, messageId, instanceId, momment, error, errorCode, customId));
            })
        .Where(v => v.Item2.MessageId is not null || v.Item2.ZaapId is not null);

    /// <summary>The fields the reader knows, in the order <see cref="AnySubset"/> decides them.</summary>
    public static readonly string[] Known = ["type", "messageId", "zaapId", "phone", "instanceId", "momment", "error", "errorCode", "customId"];

    private static readonly string[] OddValues = ["42", "true", "[]", "{}", "\"\"", "null", "1.5", "-1", "\"123\"", "\"   \""];
    private static readonly string[] OddTypes = ["\"ReceivedCallback\"", "\"deliverycallback\"", "42", "\"\"", "null", "[\"DeliveryCallback\"]"];

    /// <summary>
    /// A body with each known field absent, usable or of an odd type or value. It must be accepted exactly when
    /// <c>type</c> is <c>DeliveryCallback</c> and <c>messageId</c> or <c>zaapId</c> is usable (a non-blank string, or
    /// a number): every other field may be missing or odd.
    /// </summary>
    public static readonly Gen<Shaped> AnySubset =
        Gen.Select(Valid, Gen.Int[0, 2].Array[Known.Length], Gen.Int[0, 9].Array[Known.Length], Gen.Bool, (valid, states, picks, numericId) =>
        {
            var body = valid.Body;
            var shape = new List<string>();
            var usableId = false;
            var typeOk = false;
            for (var i = 0; i < Known.Length; i++)
            {
                var field = Known[i];
                var isId = field is "messageId" or "zaapId";
                switch (states[i])
                {
                    case 0:
                        body = body.With(field, null);
                        shape.Add("-" + field);
                        break;
                    case 1:
                        if (!body.Members.Any(m => m.Name == Quote(field)))
                        {
                            body = body.With(field, field == "momment" ? "1777494009341" : isId && numericId ? "12345" : Quote("v-" + field));
                        }

                        usableId |= isId;
                        typeOk |= field == "type";
                        shape.Add("+" + field);
                        break;
                    default:
                        var odd = field == "type" ? OddTypes[picks[i] % OddTypes.Length] : OddValues[picks[i]];
                        body = body.With(field, odd);
                        usableId |= isId && odd is "42" or "1.5" or "-1" or "\"123\"";
                        shape.Add("~" + field);
                        break;
                }
            }

            return new Shaped(body, typeOk && usableId, string.Join(' ', shape));
        });

    /// <summary>A valid callback with invalid UTF-8 put anywhere in its bytes (inside a string, a name, between tokens).</summary>
    public static readonly Gen<byte[]> WithInvalidUtf8 =
        Gen.Select(Valid, Gen.OneOf(InvalidUtf8), Gen.Double[0, 1], (valid, hex, at) =>
        {
            var bytes = valid.Body.Bytes();
            var index = (int)(at * bytes.Length);
            return (byte[])[.. bytes.AsSpan(0, index), .. Convert.FromHexString(hex), .. bytes.AsSpan(index)];
        });

    /// <summary>A valid callback with a string (known member, unknown member or name) holding an unpaired surrogate escape.</summary>
    public static readonly Gen<byte[]> WithUnpairedSurrogate =
        Gen.Select(Valid, Gen.OneOf("\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud83d x"), Gen.Int[0, 6], (valid, escape, which) =>
        {
            var body = valid.Body;
            var bad = which switch
            {
                < 5 => body.With(Required[which], "\"a" + escape + "\""), // type, phone, zaapId, messageId, instanceId
                5 => body with { Members = [.. body.Members, new Member("\"x-note\"", "\"" + escape + "\"")] },
                _ => body with { Members = [.. body.Members, new Member("\"x-" + escape + "\"", "1")] },
            };
            return bad.Bytes();
        });

    /// <summary>A valid callback whose <c>type</c> is absent or not a string: refused naming <c>type</c>.</summary>
    public static readonly Gen<(byte[] Bytes, bool Missing)> WithBadTypeField =
        Gen.Select(Valid, Gen.OneOf("42", "true", "[]", "{}", "null", "[\"DeliveryCallback\"]", "-"), (valid, value) =>
            (valid.Body.With("type", value == "-" ? null : value).Bytes(), value is "null" or "-"));

    /// <summary>A valid callback with neither identifier usable (absent, null, blank or not a string or number).</summary>
    public static readonly Gen<byte[]> WithoutIdentifier =
        Gen.Select(Valid, Gen.OneOf("-", "null", "\"\"", "\"  \"", "true", "[]", "{}"), Gen.OneOf("-", "null", "\"\"", "false", "[1]", "{\"a\":1}"), (valid, messageId, zaapId) =>
            valid.Body.With("messageId", messageId == "-" ? null : messageId).With("zaapId", zaapId == "-" ? null : zaapId).Bytes());

    /// <summary>Valid JSON from another Z-API webhook (another <c>type</c>).</summary>
    public static readonly Gen<byte[]> OtherWebhook =
        Gen.Select(Valid, Gen.OneOf("ReceivedCallback", "MessageStatusCallback", "DisconnectedCallback", "deliverycallback", "DeliveryCallback "),
            (valid, type) => valid.Body.With("type", JsonSerializer.Serialize(type)).Bytes());

    /// <summary>A valid callback cut short anywhere.</summary>
    public static readonly Gen<byte[]> Truncated =
        Gen.Select(Valid, Gen.Double[0, 1], (valid, at) =>
        {
            var bytes = valid.Body.Bytes();
            return bytes[..(int)(at * (bytes.Length - 1))];
        });

    /// <summary>A valid callback with an unknown member nested deeper than the parser allows (32 levels).</summary>
    public static readonly Gen<byte[]> TooDeep =
        Gen.Select(Valid, Gen.Int[33, 5000], Gen.Bool, (valid, depth, arrays) =>
        {
            var open = arrays ? "[" : "{\"a\":";
            var close = arrays ? "]" : "}";
            var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
            return (valid.Body with { Members = [.. valid.Body.Members, new Member("\"x-deep\"", nested)] }).Bytes();
        });

    /// <summary>A valid callback encoded as UTF-16 or UTF-32, with or without a byte order mark.</summary>
    public static readonly Gen<byte[]> OtherEncoding =
        Gen.Select(Valid, Gen.OneOf<Encoding>(Encoding.Unicode, Encoding.BigEndianUnicode, Encoding.UTF32), Gen.Bool, (valid, encoding, bom) =>
        {
            var bytes = encoding.GetBytes(Utf8Text(valid.Body));
            return bom ? [.. encoding.GetPreamble(), .. bytes] : bytes;
        });

    /// <summary>JSON whose root is not an object.</summary>
    public static readonly Gen<byte[]> NotAnObject =
        Gen.OneOf(AnyJson.Where(j => !j.StartsWith('{')), Valid.Select(v => "[" + Utf8Text(v.Body) + "]"))
            .Select(Encoding.UTF8.GetBytes);

    /// <summary>Any bytes at all.</summary>
    public static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 400];

    /// <summary>Every kind of body that must be refused (never a valid DeliveryCallback).</summary>
    public static readonly Gen<byte[]> Invalid = Gen.OneOf(
        RandomBytes,
        Truncated,
        WithInvalidUtf8,
        WithUnpairedSurrogate,
        WithBadTypeField.Select(w => w.Bytes),
        WithoutIdentifier,
        OtherWebhook,
        TooDeep,
        OtherEncoding,
        NotAnObject,
        Gen.Select(WithInvalidUtf8, b => (byte[])[0xEF, 0xBB, 0xBF, .. b]));

    /// <summary>Anything: valid, invalid, and a few very large valid bodies (a huge unknown member).</summary>
    public static readonly Gen<byte[]> Anything = Gen.Frequency(
        (6, Invalid),
        (3, Valid.Select(v => v.Body.Bytes())),
        (1, Gen.Select(Valid, Gen.Int[100_000, 1_000_000], (v, size) =>
            (v.Body with { Members = [.. v.Body.Members, new Member("\"x-big\"", "\"" + new string('x', size) + "\"")] }).Bytes())));

    /// <summary>A JSON string literal for <paramref name="text"/> (escaping only what JSON requires).</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Raw);

    private static Gen<string?> Optional(Gen<string> text, int present, int absent = 1) =>
        Gen.Frequency((absent, NoText), (present, text.Select(t => (string?)t)));

    private static Gen<string> Scalar => Gen.OneOf(
        Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Double[-1e6, 1e6].Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Text.Select(Quote),
        Gen.OneOf("true", "false", "null", "\"\"", "0", "-0.0e+1"));

    private static string Utf8Text(Body body) => Encoding.UTF8.GetString((body with { Bom = false }).Bytes());

    private static string Literal(string text, bool escapeAll) => escapeAll ? JsonSerializer.Serialize(text) : Quote(text);
}
