using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Callbacks;

/// <summary>
/// Reads a request body as a Z-API DeliveryCallback, tolerantly: we receive someone else's webhooks and senders treat a
/// 4xx as final, so only what no real sender sends is refused (not UTF-8 JSON, not an object, another <c>type</c>, no
/// identifier, a known field given twice). Read on a <see cref="JsonDocument"/> rather than deserialized, so each odd
/// or missing field can be named; unknown fields are allowed (Z-API adds fields over time, e.g. errorCode in 2026).
/// </summary>
public static class CallbackParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>The fields whose value this reader takes: one of them given twice makes the body ambiguous.</summary>
    private static readonly string[] KnownFields =
        ["type", "phone", "zaapId", "messageId", "instanceId", "momment", "error", "errorCode", "customId"];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Parses and validates <paramref name="body"/>, which must be UTF-8 JSON (RFC 8259, section 8.1): invalid UTF-8
    /// anywhere in it, or a string escape that is not a Unicode character (an unpaired surrogate such as
    /// <c>\ud800</c>), is malformed JSON whatever field it is in. A leading UTF-8 byte order mark is ignored, as RFC
    /// 8259 allows. Never throws.
    /// </summary>
    public static CallbackParseResult Parse(ReadOnlyMemory<byte> body, string? pathInstanceId = null)
    {
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        // System.Text.Json checks UTF-8 only when a string is read, so a bad byte in an unread field would pass.
        if (!Utf8.IsValid(body.Span))
        {
            return CallbackParseResult.Rejected(CallbackRejection.MalformedJson, null, NotUtf8(body.Span));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.MalformedJson, null, $"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (FindUnpairedSurrogate(body.Span) is { } offset)
            {
                return CallbackParseResult.Rejected(
                    CallbackRejection.MalformedJson,
                    null,
                    $"The body is not valid JSON text: the string at byte {offset} has a \\u escape that is not a Unicode " +
                    "character (an unpaired UTF-16 surrogate). Escape characters outside the Basic Multilingual Plane as a pair (\\uD83D\\uDE00), or send them as UTF-8.");
            }

            return Parse(document.RootElement, pathInstanceId);
        }
    }

    /// <summary>
    /// Reads an already-parsed JSON value (e.g. the callback inside a queue envelope) as a tolerant reader: only an
    /// object whose <c>type</c> is <c>DeliveryCallback</c> and that has an identifier (<c>messageId</c> or
    /// <c>zaapId</c>) is required. Every other field is taken when usable and recorded as missing or odd when not, so
    /// a real callback is never refused for a field the sender left out. <paramref name="pathInstanceId"/>, the id in
    /// a per-instance URL, fills a missing <c>instanceId</c>.
    /// </summary>
    public static CallbackParseResult Parse(JsonElement root, string? pathInstanceId = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.MalformedJson, null, $"The body must be a JSON object, not {Describe(root.ValueKind)}.");
        }

        if (FindRepeatedField(root) is { } repeated)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.AmbiguousField,
                repeated,
                $"Field \"{repeated}\" is given more than once; send each field once, since readers disagree on which value counts.");
        }

        // Decide on `type` first: a misconfigured URL receives other Z-API webhooks with other shapes.
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind == JsonValueKind.Null)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.MissingField,
                "type",
                $"Field \"type\" is required: a Z-API \"On send\" callback has type \"{DeliveryCallback.ExpectedType}\".");
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.InvalidField, "type", $"Field \"type\" must be a string, not {Describe(typeElement.ValueKind)}.");
        }

        var type = typeElement.GetString()!;
        if (!string.Equals(type, DeliveryCallback.ExpectedType, StringComparison.Ordinal))
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.UnexpectedType,
                "type",
                $"This endpoint receives only Z-API \"On send\" callbacks (type \"{DeliveryCallback.ExpectedType}\"), " +
                $"but got type \"{LogText.Safe(type, 64)}\". Register this URL only as the instance's On send (delivery) webhook.",
                type);
        }

        var missing = new List<string>(4);
        var odd = new List<string>(2);
        var messageId = ReadIdentifier(root, "messageId", missing, odd);
        var zaapId = ReadIdentifier(root, "zaapId", missing, odd);
        if (messageId is null && zaapId is null)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.MissingField,
                "messageId",
                "A DeliveryCallback needs an identifier: \"messageId\" or \"zaapId\", a non-empty string.");
        }

        var phone = ReadText(root, "phone", expected: true, missing, odd);
        var bodyInstanceId = ReadText(root, "instanceId", expected: pathInstanceId is null, missing, odd);
        var momment = ReadMomment(root, missing, odd);
        var error = ReadText(root, "error", expected: false, missing, odd, keepEmpty: true);
        var errorCode = ReadText(root, "errorCode", expected: false, missing, odd, keepEmpty: true);
        var customId = ReadText(root, "customId", expected: false, missing, odd);

        return CallbackParseResult.Accepted(
            new DeliveryCallback(phone, zaapId, messageId, bodyInstanceId ?? pathInstanceId, momment, type, error, errorCode, customId)
            {
                BodyInstanceId = bodyInstanceId,
                PathInstanceId = pathInstanceId,
                MissingFields = missing,
                OddFields = odd,
            });
    }

    private static string? FindRepeatedField(JsonElement root)
    {
        Span<bool> seen = stackalloc bool[KnownFields.Length];
        foreach (var property in root.EnumerateObject())
        {
            var index = Array.IndexOf(KnownFields, property.Name);
            if (index < 0)
            {
                continue;
            }

            if (seen[index])
            {
                return KnownFields[index];
            }

            seen[index] = true;
        }

        return null;
    }

    /// <summary>An id: a non-empty string, or a number taken as its text (odd). Anything else counts as absent (odd).</summary>
    private static string? ReadIdentifier(JsonElement root, string name, List<string> missing, List<string> odd)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            missing.Add(name);
            return null;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String when !string.IsNullOrWhiteSpace(element.GetString()):
                return element.GetString();
            case JsonValueKind.Number:
                odd.Add(name);
                return element.GetRawText();
            default:
                odd.Add(name);
                return null;
        }
    }

    /// <summary>
    /// A text field: a string as sent; another scalar or a structure kept as its JSON text and counted odd; an empty
    /// string counted odd and dropped unless <paramref name="keepEmpty"/> (an empty <c>error</c> still says the send
    /// failed). An absent field is counted missing only when <paramref name="expected"/>.
    /// </summary>
    private static string? ReadText(
        JsonElement root, string name, bool expected, List<string> missing, List<string> odd, bool keepEmpty = false)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (expected)
            {
                missing.Add(name);
            }

            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            odd.Add(name);
            return element.GetRawText();
        }

        var value = element.GetString()!;
        if (value.Length == 0 && !keepEmpty)
        {
            odd.Add(name);
            return null;
        }

        return value;
    }

    /// <summary>Unix milliseconds: a non-negative integer, or a string of digits (odd); anything else is dropped (odd).</summary>
    private static long? ReadMomment(JsonElement root, List<string> missing, List<string> odd)
    {
        if (!root.TryGetProperty("momment", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            missing.Add("momment");
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var ms) && ms >= 0)
        {
            return ms;
        }

        odd.Add("momment");
        return element.ValueKind == JsonValueKind.String
            && long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>Says where the body stops being UTF-8, and names UTF-16, the usual cause.</summary>
    private static string NotUtf8(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return "The body is not valid UTF-8: it starts with a UTF-16 byte order mark. JSON must be sent as UTF-8 (RFC 8259).";
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return $"The body is not valid UTF-8: the bytes at offset {offset} are not a UTF-8 character. JSON must be sent as UTF-8 (RFC 8259).";
    }

    /// <summary>
    /// The offset of the first string (value or property name) whose escapes do not form Unicode text, if any.
    /// Reading such a string throws in System.Text.Json, so it is refused here, wherever it is.
    /// </summary>
    private static long? FindUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return reader.TokenStartIndex;
                }
            }
        }

        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
