using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Http;

namespace ZapiFunctions.UnitTests.Functions;

public sealed class HealthFunctionTests
{
    private static readonly MethodInfo Run = typeof(HealthFunction).GetMethod(nameof(HealthFunction.RunAsync))!;

    [Fact]
    public async Task Ready_answers_503_with_the_failing_check_while_live_answers_200()
    {
        using var services = Services(HealthCheckResult.Unhealthy("queue zapi-deliveries: Connection refused (127.0.0.1:10001)"));
        var function = new HealthFunction(services.GetRequiredService<HealthCheckService>());

        var (readyStatus, ready) = await InvokeAsync(function, services, "ready");
        var (liveStatus, live) = await InvokeAsync(function, services, "live");

        Assert.Equal(503, readyStatus);
        Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
        var check = Assert.Single(ready.GetProperty("checks").EnumerateArray());
        Assert.Equal("queues", check.GetProperty("name").GetString());
        Assert.Equal("queue zapi-deliveries: Connection refused (127.0.0.1:10001)", check.GetProperty("description").GetString());
        Assert.Equal(200, liveStatus);
        Assert.Equal("Healthy", live.GetProperty("status").GetString());
        Assert.Empty(live.GetProperty("checks").EnumerateArray());
    }

    [Fact]
    public async Task Ready_answers_200_when_the_queues_are_reachable()
    {
        using var services = Services(HealthCheckResult.Healthy("queues zapi-deliveries, zapi-errored-sends are reachable"));

        var (status, body) = await InvokeAsync(new HealthFunction(services.GetRequiredService<HealthCheckService>()), services, "ready");

        Assert.Equal(200, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    private static ServiceProvider Services(HealthCheckResult queues)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddHealthChecks().AddCheck(QueueReadinessCheck.Name, () => queues, tags: [HealthProbes.ReadyTag]);
        return collection.BuildServiceProvider();
    }

    private static async Task<(int Status, JsonElement Body)> InvokeAsync(HealthFunction function, IServiceProvider services, string probe)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = "/api/healthz/" + probe;
        context.Response.Body = new MemoryStream();

        var result = await function.RunAsync(context.Request, probe, CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.IsType<ResultActionAdapter>(result);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, body.RootElement.Clone());
    }
}
