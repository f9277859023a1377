using System.Text.Encodings.Web;
using System.Text.Json;

namespace ZapiFunctions.Cli;

/// <summary>
/// The one JSON style of every <c>--json</c> output: camelCase (the web defaults), one object per line; '+', accents
/// and other non-ASCII text as they are, since the lines are read by people and <c>jq</c>, not embedded in HTML.
/// </summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Options);
}
