using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZapiFunctions.DevHost;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>
/// No caller ever sees an exception page or an exception's text from the DevHost: it runs as Production whatever
/// the environment variables or arguments say, and ASP.NET Core's exception handler answers with a generic
/// application/problem+json. Built with the DevHost's own builder and pipeline setup, plus endpoints that throw.
/// </summary>
public sealed class DevHostErrorsTests
{
    private const string Secret = "connection to 10.1.2.3 failed with key s3cr3t";

    [Fact]
    public void The_devhost_runs_as_production_even_when_told_development()
    {
        var builder = DevHostErrors.CreateBuilder(["--environment=Development"]);

        Assert.Equal(Environments.Production, builder.Environment.EnvironmentName);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html")]
    [InlineData(null)]
    public async Task An_unhandled_exception_is_a_generic_500_problem_without_exception_text(string? accept)
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("urn:zapi-functions:problem:internal-error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(500, json.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("s3cr3t", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ZapiFunctions", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_request_the_server_could_not_read_is_its_4xx_problem_not_a_500()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri("/unreadable", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("s3cr3t", body, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = DevHostErrors.CreateBuilder(["--environment=Development"]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDevHostErrors();
        var app = builder.Build();
        app.UseDevHostErrors();
        app.MapGet("/boom", string () => throw new InvalidOperationException(Secret));
        app.MapGet("/unreadable", string () => throw new BadHttpRequestException(Secret, StatusCodes.Status400BadRequest));
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
}
