using Microsoft.AspNetCore.Diagnostics;

namespace ZapiFunctions.DevHost;

/// <summary>
/// What a caller sees when a request fails inside the DevHost: never an exception page, a stack trace or an
/// exception's text, whatever the environment. The DevHost always runs as <c>Production</c> (ASP.NET Core adds the
/// developer exception page in <c>Development</c>), and ASP.NET Core's exception handler answers an unhandled
/// exception with a generic <c>application/problem+json</c>: 500, or the 4xx of a request the server could not read.
/// The exception itself goes to the log.
/// </summary>
internal static class DevHostErrors
{
    /// <summary>The environment the DevHost runs in, whatever ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT or --environment say.</summary>
    public static string EnvironmentName => Environments.Production;

    private const string TypePrefix = "urn:zapi-functions:problem:";

    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, EnvironmentName = EnvironmentName });

    public static void AddDevHostErrors(this IServiceCollection services) => services.AddProblemDetails();

    /// <summary>First in the pipeline, so it also catches what any later middleware throws.</summary>
    public static void UseDevHostErrors(this WebApplication app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad && bad.StatusCode is >= 400 and < 500
                ? bad.StatusCode
                : StatusCodes.Status500InternalServerError,
            ExceptionHandler = WriteProblemAsync,
        });

    private static Task WriteProblemAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var problem = status < 500
            ? Results.Problem(
                statusCode: status,
                type: TypePrefix + "bad-request",
                title: "Bad request",
                detail: "The server could not read the request: check its framing (Content-Length, Transfer-Encoding) and body.")
            : Results.Problem(
                statusCode: status,
                type: TypePrefix + "internal-error",
                title: "Internal error",
                detail: "The request failed on the server. Retry later; if it keeps failing, look in the DevHost's log for this time.");

        // Results.Problem goes through AddProblemDetails' writer, and writes the JSON itself when that declines (e.g.
        // for a caller that accepts only text/html): the answer is application/problem+json either way.
        return problem.ExecuteAsync(context);
    }
}
