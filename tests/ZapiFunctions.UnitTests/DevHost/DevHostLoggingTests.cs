using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.DevHost.Settings;
using ZapiFunctions.DevHost.Telemetry;

namespace ZapiFunctions.UnitTests.DevHost;

public sealed class DevHostLoggingTests
{
    [Theory]
    [InlineData("ZapiFunctions.Core.Ingest.OnSendHandler", LogLevel.Information, true)]
    [InlineData("ZapiFunctions.Core.Ingest.OnSendHandler", LogLevel.Debug, false)]
    [InlineData("Microsoft.Hosting.Lifetime", LogLevel.Information, true)]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information, false)]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, true)]
    [InlineData("Azure.Core", LogLevel.Information, false)]
    [InlineData("Azure.Core", LogLevel.Warning, true)]
    [InlineData("System.Net.Http.HttpClient.Default", LogLevel.Information, false)]
    public void By_default_the_app_speaks_and_everything_else_only_warns(string category, LogLevel level, bool enabled) =>
        Assert.Equal(enabled, Enabled([], category, level));

    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information, true)]
    [InlineData("ZapiFunctions.Core.Ingest.OnSendHandler", LogLevel.Debug, true)]
    [InlineData("Azure.Core", LogLevel.Information, false)]
    public void Verbose_shows_request_logs_and_the_app_s_debug(string category, LogLevel level, bool enabled) =>
        Assert.Equal(enabled, Enabled(["--verbose"], category, level));

    [Theory]
    [InlineData("--Logging:LogLevel:Default=Debug", "Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Debug)]
    [InlineData("--Logging:LogLevel:ZapiFunctions=Debug", "ZapiFunctions.Core.Ingest.OnSendHandler", LogLevel.Debug)]
    [InlineData("--Logging:LogLevel:Azure.Core=Information", "Azure.Core", LogLevel.Information)]
    public void Standard_logging_configuration_overrides_the_defaults(string arg, string category, LogLevel level) =>
        Assert.True(Enabled([arg], category, level));

    [Fact]
    public void Verbose_does_not_swallow_the_argument_after_it()
    {
        var args = DevHostArguments.Normalize(["--verbose", "--urls=http://127.0.0.1:5005"]);

        var builder = WebApplication.CreateSlimBuilder(args);

        Assert.Equal("true", builder.Configuration[DevHostArguments.VerboseKey]);
        Assert.Equal("http://127.0.0.1:5005", builder.Configuration["urls"]);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void The_hosts_start_up_chatter_shows_only_when_verbose(bool verbose, bool suppressed)
    {
        using var app = Build(verbose ? ["--verbose"] : []);

        Assert.Equal(suppressed, app.Services.GetRequiredService<IOptions<ConsoleLifetimeOptions>>().Value.SuppressStatusMessages);
    }

    private static bool Enabled(string[] args, string category, LogLevel level)
    {
        using var app = Build(args);
        return app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category).IsEnabled(level);
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(DevHostArguments.Normalize(args));
        builder.AddDevHostLogging();
        return builder.Build();
    }
}
