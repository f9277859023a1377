using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions;

/// <summary>
/// The Functions app's composition, apart from <c>Program.cs</c> so tests build the app's service collection
/// exactly as the worker does.
/// </summary>
public static class ZapiFunctionsApp
{
    /// <summary>Registers everything the functions need on <paramref name="builder"/>.</summary>
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // ASP.NET Core integration: HTTP triggers receive a real HttpRequest, so Core's handler runs unchanged.
        builder.ConfigureFunctionsWebApplication();

        // Telemetry first: its hosted services start before the others, whose start-up logs are then exported too.
        // The worker's defaults tell the host that the worker exports its own telemetry (host.json "telemetryMode":
        // "OpenTelemetry") and add the worker's invocation activities and resource (service name, region). The host
        // records each HTTP request, 401s included, so the worker's own ASP.NET Core server span is not traced: it would
        // be a second Request of the same callback. The function's activities run in the worker's invocation activity,
        // whose parent is the host's trace context, so they stay in the host's operation.
        builder.Services.AddZapiTelemetry(builder.Configuration, serverSpans: false).UseFunctionsWorkerDefaults();

        // The Functions front end terminates TLS and httpsOnly (infra) refuses plain HTTP; whether the scheme reaches
        // the worker as the client's could not be confirmed in the host's source, so the handler leaves it to the platform.
        builder.Services.AddZapiFunctions(builder.Configuration, TransportSecurity.Platform);

        return builder;
    }

    /// <summary>
    /// Builds and runs the worker. Bad settings are written to <paramref name="error"/> one line each (the host logs
    /// the worker's standard error) and the worker exits with <see cref="StartupProblems.ExitCode"/> instead of throwing.
    /// </summary>
    public static int Run(FunctionsApplicationBuilder builder, TextWriter error)
    {
        using var host = Configure(builder).Build();
        if (StartupProblems.Report(host.Services, error))
        {
            return StartupProblems.ExitCode;
        }

        host.Run();
        return 0;
    }
}
