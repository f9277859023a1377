using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>The FallbackDrain timer function and the app's fallback wiring.</summary>
public sealed class FallbackDrainFunctionTests
{
    private static readonly MethodInfo Run = typeof(FallbackDrainFunction).GetMethod(nameof(FallbackDrainFunction.RunAsync))!;

    [Fact]
    public void With_the_settings_the_Bicep_writes_the_writer_falls_back_and_the_function_drains()
    {
        using var host = ZapiFunctionsApp.Configure(Worker.Builder(new()
        {
            ["AzureWebJobsStorage__queueServiceUri"] = "https://stzapiprimary.queue.core.windows.net/",
            ["AzureWebJobsStorage__tableServiceUri"] = "https://stzapiprimary.table.core.windows.net/",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
            ["ZapiFallbackStorage__queueServiceUri"] = "https://stzapifallback.queue.core.windows.net/",
            ["ZapiFallbackStorage__credential"] = "managedidentity",
            ["ZapiFallbackStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
        })).Build();

        Assert.Empty(StartupProblems.Find(host.Services));
        Assert.IsType<FallbackQueueWriter>(host.Services.GetRequiredService<IQueueWriter>());
        Assert.True(host.Services.GetRequiredService<FallbackRecovery>().IsConfigured);
    }

    [Fact]
    public async Task Without_ZapiFallbackStorage_a_run_does_nothing()
    {
        // The primary is an emulator nobody runs here: a run that tried to drain would find it down and log that.
        var builder = Worker.Builder(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        builder.Services.AddFakeLogging();
        using var host = ZapiFunctionsApp.Configure(builder).Build();

        await ActivatorUtilities.CreateInstance<FallbackDrainFunction>(host.Services).RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.DoesNotContain(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == typeof(FallbackRecovery).FullName);
        Assert.IsType<StorageQueueWriter>(host.Services.GetRequiredService<IQueueWriter>());
    }

    [Fact]
    public void A_bad_ZapiFallbackStorage_stops_the_worker_with_one_line_naming_it()
    {
        using var error = new StringWriter();

        var exit = ZapiFunctionsApp.Run(
            Worker.Builder(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["ZapiFallbackStorage__queueServiceUri"] = "stzapifallback.queue.core.windows.net" }),
            error);

        Assert.Equal(2, exit);
        Assert.Equal(
            "error: ZapiFallbackStorage__queueServiceUri ('stzapifallback.queue.core.windows.net') is not an https:// URL: use the account's queue endpoint, such as https://<account>.queue.core.windows.net.",
            error.ToString().TrimEnd());
    }

}
