using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: HTTP triggers receive a real HttpRequest, so Core's handler runs unchanged.
builder.ConfigureFunctionsWebApplication();

// The Functions front end terminates TLS and httpsOnly (infra) refuses plain HTTP; whether the scheme reaches
// the worker as the client's could not be confirmed in the host's source, so the handler leaves it to the platform.
builder.Services.AddZapiIngest(builder.Configuration, TransportSecurity.Platform);
builder.Services.AddZapiErroredSends(builder.Configuration);

builder.Build().Run();
