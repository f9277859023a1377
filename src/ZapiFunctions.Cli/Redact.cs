using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ZapiFunctions.Cli;

/// <summary>Keeps secrets out of what the tool prints.</summary>
internal static partial class Redact
{
    /// <summary>
    /// Terminal output, not HTML: keeps '&amp;' and non-ASCII readable ("&amp;code=***", not "\u0026code=***").
    /// </summary>
    private static readonly JsonWriterOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Hides the function key (<c>code=</c>) in a webhook URL.</summary>
    public static string Url(string? url) => url is null ? string.Empty : CodeParameter().Replace(url, "$1***");

    /// <summary>
    /// <paramref name="json"/> rewritten with <see cref="Url"/> applied to every string value. Redacting value by
    /// value (never the raw text) keeps the JSON valid: on raw text the key pattern would run on past the closing quote.
    /// </summary>
    public static string Json(JsonElement json)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ReadableJson))
        {
            Write(writer, json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Url(element.GetString()));
                break;
            default:
                // Numbers, booleans and null as received (a number keeps its exact text).
                element.WriteTo(writer);
                break;
        }
    }

    [GeneratedRegex("([?&]code=)[^&#]*", RegexOptions.IgnoreCase)]
    private static partial Regex CodeParameter();
}
