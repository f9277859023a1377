using System.Text.Json;

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

    /// <summary>Parses and validates <paramref name="body"/> (UTF-8 JSON).</summary>
    public static CallbackParseResult Parse(ReadOnlyMemory<byte> body)
    {
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
