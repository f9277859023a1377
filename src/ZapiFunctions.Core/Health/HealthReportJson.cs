using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZapiFunctions.Core.Http;

namespace ZapiFunctions.Core.Health;

/// <summary>
/// The health endpoints' answer, the same in every host (and read by <c>zapi health</c>):
/// <c>{"status":"Healthy|Degraded|Unhealthy","checks":[{"name":"queues","status":"…","description":"…"}]}</c>,
/// 200 when Healthy or Degraded, 503 when Unhealthy, never cached.
/// </summary>
public static class HealthReportJson
{
    /// <summary>The HTTP status for <paramref name="status"/>, as ASP.NET Core's health check middleware maps it.</summary>
    public static int StatusCodeOf(HealthStatus status) =>
        status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

    /// <summary>The JSON body for <paramref name="report"/> (UTF-8).</summary>
    public static byte[] Write(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Description ?? entry.Exception?.Message ?? string.Empty);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The answer for <paramref name="report"/> as an <see cref="IResult"/>.</summary>
    public static IResult ToResult(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new HeaderResult(
            Results.Text(Write(report), "application/json", StatusCodeOf(report.Status)),
            "Cache-Control",
            "no-store");
    }
}
