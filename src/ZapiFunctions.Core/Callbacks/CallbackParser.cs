using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ZapiFunctions.Core.Callbacks;

/// <summary>
/// Checks a request body against Z-API's documented DeliveryCallback shape and names the field at fault.
/// Hand-checked on a <see cref="JsonDocument"/> rather than deserialized, so every error can say which field
/// is missing or ill-typed; unknown fields are allowed (Z-API adds fields over time, e.g. errorCode in 2026).
/// </summary>
public static class CallbackParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private static readonly string[] RequiredStrings = ["phone", "zaapId", "messageId", "instanceId"];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Parses and validates <paramref name="body"/>, which must be UTF-8 JSON (RFC 8259, section 8.1): invalid UTF-8
    /// anywhere in it, or a string escape that is not a Unicode character (an unpaired surrogate such as
    /// <c>\ud800</c>), is malformed JSON whatever field it is in. A leading UTF-8 byte order mark is ignored, as RFC
    /// 8259 allows. Never throws.
    /// </summary>
    public static CallbackParseResult Parse(ReadOnlyMemory<byte> body)
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

            return Parse(document.RootElement);
        }
    }

    /// <summary>Validates an already-parsed JSON value (e.g. the callback inside a queue envelope).</summary>
    public static CallbackParseResult Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.MalformedJson, null, $"The body must be a JSON object, not {Describe(root.ValueKind)}.");
        }

        // Decide on `type` first: a misconfigured URL receives other Z-API webhooks with other shapes.
        if (ReadRequiredString(root, "type", out var type) is { } typeProblem)
        {
            return typeProblem;
        }

        if (!string.Equals(type, DeliveryCallback.ExpectedType, StringComparison.Ordinal))
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.UnexpectedType,
                "type",
                $"This endpoint receives only Z-API \"On send\" callbacks (type \"{DeliveryCallback.ExpectedType}\"), " +
                $"but got type \"{type}\". Register this URL only as the instance's On send (delivery) webhook.");
        }

        var values = new string[RequiredStrings.Length];
        for (var i = 0; i < RequiredStrings.Length; i++)
        {
            if (ReadRequiredString(root, RequiredStrings[i], out values[i]) is { } problem)
            {
                return problem;
            }
        }

        if (!root.TryGetProperty("momment", out var momment) || momment.ValueKind == JsonValueKind.Null)
        {
            return Missing("momment");
        }

        if (momment.ValueKind != JsonValueKind.Number || !momment.TryGetInt64(out var mommentMs) || mommentMs < 0)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.InvalidField,
                "momment",
                $"Field \"momment\" must be a non-negative integer (Unix time in milliseconds), not {Describe(momment.ValueKind)}.");
        }

        if (ReadOptionalString(root, "error", out var error) is { } errorProblem)
        {
            return errorProblem;
        }

        if (ReadOptionalString(root, "errorCode", out var errorCode) is { } codeProblem)
        {
            return codeProblem;
        }

        return CallbackParseResult.Accepted(
            new DeliveryCallback(values[0], values[1], values[2], values[3], mommentMs, type, error, errorCode));
    }

    private static CallbackParseResult? ReadRequiredString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return Missing(name);
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.InvalidField, name, $"Field \"{name}\" must be a string, not {Describe(element.ValueKind)}.");
        }

        value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.InvalidField, name, $"Field \"{name}\" must not be empty.");
        }

        return null;
    }

    private static CallbackParseResult? ReadOptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return CallbackParseResult.Rejected(
                CallbackRejection.InvalidField,
                name,
                $"Field \"{name}\" must be a string when present, not {Describe(element.ValueKind)}.");
        }

        value = element.GetString();
        return null;
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

    private static CallbackParseResult Missing(string name) =>
        CallbackParseResult.Rejected(
            CallbackRejection.MissingField, name, $"Field \"{name}\" is required in a DeliveryCallback.");

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
