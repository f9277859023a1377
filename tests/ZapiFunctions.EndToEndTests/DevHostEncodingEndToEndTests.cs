using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// The DevHost as a real process, told to run in Development (where ASP.NET Core would show its developer exception
/// page): a body that is not UTF-8 is a 400 problem+json wherever the bad bytes are, and nothing is enqueued.
/// </summary>
public sealed class DevHostEncodingEndToEndTests() : DevHostTests(InDevelopment)
{
    private static DevHostStart InDevelopment => new()
    {
        Args = ["--verbose"],
        Environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        },
    };

    [Theory]
    [InlineData("phone")]
    [InlineData("type")]
    [InlineData("unknownField")]
    public async Task Invalid_utf8_in_any_field_is_400_problem_json_and_nothing_is_enqueued(string field)
    {
        var json = $$"""{"phone":"5544999","zaapId":"Z1","messageId":"M1","instanceId":"I1","momment":1777494009341,"type":"DeliveryCallback","unknownField":"x"}""";
        var at = json.IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        byte[] body = [.. Encoding.UTF8.GetBytes(json[..at]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[at..])];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await DevHost.Client.PostAsync(new Uri("/api/zapi/on-send", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal("urn:zapi-functions:problem:malformed-json", problem.RootElement.GetProperty("type").GetString());
        Assert.Contains("not valid UTF-8", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (var queue in new[] { "zapi-deliveries", "zapi-errored-sends" })
        {
            Assert.Equal(0, (await Azurite.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        }
    }

    [Fact]
    public async Task Told_development_it_still_runs_as_production()
    {
        // The host prints its environment once started; the first /healthz answer may come a moment before that line.
        var output = await DevHost.OutputUntilAsync(
            line => line.Contains("Hosting environment:", StringComparison.Ordinal), "the DevHost's 'Hosting environment' line");

        Assert.Contains(output, line => line.Contains("Hosting environment: Production", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Hosting environment: Development", StringComparison.Ordinal));
    }
}
