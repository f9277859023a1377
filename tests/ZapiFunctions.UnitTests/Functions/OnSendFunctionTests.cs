using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Http;
using ZapiFunctions.Core.Ingest;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Functions;

public sealed class OnSendFunctionTests
{
    private static readonly MethodInfo Run = typeof(OnSendFunction).GetMethod(nameof(OnSendFunction.RunAsync))!;

    [Fact]
    public void The_function_is_named_OnSend()
    {
        Assert.Equal("OnSend", Run.GetCustomAttribute<FunctionAttribute>()!.Name);
    }

    [Fact]
    public void The_trigger_is_function_key_protected_on_zapi_on_send_for_every_method()
    {
        var trigger = Run.GetParameters()[0].GetCustomAttribute<HttpTriggerAttribute>()!;

        Assert.Equal(AuthorizationLevel.Function, trigger.AuthLevel);
        Assert.Equal("zapi/on-send", trigger.Route);
        Assert.True(trigger.Methods is null || trigger.Methods.Length == 0, "every method must reach the handler so it can answer 405");
    }

    [Fact]
    public async Task The_function_returns_the_handler_result_as_an_action_result()
    {
        var queue = new Mock<IQueueWriter>();
        using var services = new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
        var handler = new OnSendHandler(
            queue.Object,
            Options.Create(new ZapiOptions()),
            new IngestMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System,
            NullLogger<OnSendHandler>.Instance,
            TransportSecurity.Platform);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();

        var result = await new OnSendFunction(handler).RunAsync(context.Request, CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.IsType<ResultActionAdapter>(result);
        Assert.Equal(405, context.Response.StatusCode);
        Assert.Equal("POST", context.Response.Headers.Allow.ToString());
    }
}
