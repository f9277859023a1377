using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;
using ZapiFunctions.Testing;

namespace ZapiFunctions.Functions.Tests;

/// <summary>
/// The Functions app knows which try is the last one (the worker is not given host.json) and builds the
/// ErroredSend function on the dead-lettering handler.
/// </summary>
public sealed class DeadLetterWiringTests
{
    private static readonly int RepositoryMaxDequeueCount = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")))
        .RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32();

    [Fact]
    public void The_last_try_is_host_json_s_max_dequeue_count_read_beside_the_app()
    {
        using var host = ZapiFunctionsApp.Configure(Builder([])).Build();

        var settings = host.Services.GetRequiredService<HostQueueSettings>();

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "host.json"), settings.Source);
        Assert.Equal(RepositoryMaxDequeueCount, settings.MaxDequeueCount);
        Assert.NotNull(ActivatorUtilities.CreateInstance<ErroredSendFunction>(host.Services));
        Assert.Empty(StartupProblems.Find(host.Services));
    }

    [Fact]
    public void The_app_setting_that_overrides_host_json_for_the_host_overrides_it_here_too()
    {
        using var host = ZapiFunctionsApp.Configure(Builder(new() { ["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"] = "3" })).Build();

        Assert.Equal(3, host.Services.GetRequiredService<HostQueueSettings>().MaxDequeueCount);
    }

    [Fact]
    public void An_empty_deliveries_queue_setting_starts_the_app_without_problems()
    {
        using var host = ZapiFunctionsApp.Configure(Builder(new() { ["Zapi__DeliveriesQueue"] = string.Empty })).Build();

        Assert.Empty(StartupProblems.Find(host.Services));
    }

    /// <summary>The settings sample plus <paramref name="values"/>, as the host passes app settings: environment variables, <c>__</c> names.</summary>
    private static FunctionsApplicationBuilder Builder(Dictionary<string, string?> values)
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json")));
        var all = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
        foreach (var (name, value) in values)
        {
            all[name] = value;
        }

        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(all.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)));
        return builder;
    }
}
