using System.Text.Json;

namespace ZapiFunctions.Cli.Commands;

/// <summary>
/// The app's readiness answer: <c>{"status":"Healthy|Degraded|Unhealthy","checks":[{"name","status","description"}]}</c>.
/// Read leniently (missing check fields become empty) so a newer app with more fields still prints.
/// </summary>
internal sealed record HealthReport(string Status, IReadOnlyList<HealthReport.Check> Checks)
{
    /// <summary>One check; <see cref="Description"/> is flattened to one line so each check prints as one line.</summary>
    public sealed record Check(string Name, string Status, string Description);

    /// <summary>The report in <paramref name="body"/>, or null when it is not one (an HTML error page, an empty 401).</summary>
    public static HealthReport? TryParse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "status") is not { Length: > 0 } status)
            {
                return null;
            }

            var checks = root.TryGetProperty("checks", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray()
                    .Where(c => c.ValueKind == JsonValueKind.Object)
                    .Select(c => new Check(Text(c, "name") ?? "?", Text(c, "status") ?? "?", OneLine(Text(c, "description"))))
                    .ToList()
                : [];
            return new HealthReport(status, checks);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OneLine(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
