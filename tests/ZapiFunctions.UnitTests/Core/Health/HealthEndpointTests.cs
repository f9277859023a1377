using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Health;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task The_body_is_the_documented_json_with_200_for_healthy_and_no_caching()
    {
        var report = Report(("queues", HealthStatus.Healthy, "queues a, b are reachable"));

        var response = await TestHttp.ExecuteAsync(HealthReportJson.ToResult(report), TestHttp.Request(string.Empty, "GET"));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl.ToString());
        Assert.Equal(
            """{"status":"Healthy","checks":[{"name":"queues","status":"Healthy","description":"queues a, b are reachable"}]}""",
            response.Body);
    }

    [Theory]
    [InlineData(HealthStatus.Healthy, 200)]
    [InlineData(HealthStatus.Degraded, 200)]
    [InlineData(HealthStatus.Unhealthy, 503)]
    public async Task The_status_code_follows_the_overall_status(HealthStatus status, int expected)
    {
        var response = await TestHttp.ExecuteAsync(
            HealthReportJson.ToResult(Report(("queues", status, "why"))), TestHttp.Request(string.Empty, "GET"));

        Assert.Equal(expected, response.Status);
        Assert.Equal(status.ToString(), response.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Live_runs_no_check_so_it_answers_while_storage_is_down()
    {
        using var services = Services(HealthCheckResult.Unhealthy("queue zapi-deliveries: Connection refused"));

        var response = await Probe(services, "live");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"status":"Healthy","checks":[]}""", response.Body);
    }

    [Fact]
    public async Task Ready_runs_the_ready_checks_and_answers_503_with_the_reason()
    {
        using var services = Services(HealthCheckResult.Unhealthy("queue zapi-deliveries: Connection refused"));

        var response = await Probe(services, "ready");

        Assert.Equal(503, response.Status);
        Assert.Equal(
            """{"status":"Unhealthy","checks":[{"name":"queues","status":"Unhealthy","description":"queue zapi-deliveries: Connection refused"}]}""",
            response.Body);
    }

    [Fact]
    public async Task An_unknown_probe_is_404_naming_the_ones_there_are()
    {
        using var services = Services(HealthCheckResult.Healthy());

        var response = await Probe(services, "started");

        Assert.Equal(404, response.Status);
        Assert.Contains("/api/healthz/live", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_registers_the_queue_check_once_tagged_ready()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
            .Build();
        var collection = new ServiceCollection().AddLogging();
        collection.AddZapiFunctions(configuration, TransportSecurity.Application);
        using var services = collection.BuildServiceProvider();

        var registration = Assert.Single(services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);

        Assert.Equal(QueueReadinessCheck.Name, registration.Name);
        Assert.Equal([HealthProbes.ReadyTag], registration.Tags);
        Assert.IsType<QueueReadinessCheck>(registration.Factory(services));
    }

    private static ServiceProvider Services(HealthCheckResult queues)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddHealthChecks().AddCheck("queues", () => queues, tags: [HealthProbes.ReadyTag]);
        return collection.BuildServiceProvider();
    }

    private static async Task<TestHttp.Response> Probe(IServiceProvider services, string probe) =>
        await TestHttp.ExecuteAsync(
            await HealthProbes.RunAsync(services.GetRequiredService<HealthCheckService>(), probe, CancellationToken.None),
            TestHttp.Request(string.Empty, "GET"));

    private static HealthReport Report(params (string Name, HealthStatus Status, string Description)[] entries) =>
        new(
            entries.ToDictionary(e => e.Name, e => new HealthReportEntry(e.Status, e.Description, TimeSpan.Zero, null, null)),
            TimeSpan.Zero);
}
