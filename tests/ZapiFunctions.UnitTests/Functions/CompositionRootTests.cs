using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>The Functions app registers the app's own services through the one composition root, adding none of them itself.</summary>
public sealed class CompositionRootTests
{
    [Fact]
    public void Every_app_service_the_functions_app_registers_comes_from_AddZapiFunctions_once()
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" };
        var builder = Worker.Builder(settings);
        ZapiFunctionsApp.Configure(builder);
        var root = new ServiceCollection().AddZapiFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), TransportSecurity.Platform);

        Assert.Equal(AppServices(root), AppServices(builder.Services));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(OnSendHandler));
    }

    [Fact]
    public void Every_function_class_is_created_from_the_apps_services_as_the_worker_creates_it()
    {
        using var host = ZapiFunctionsApp.Configure(Worker.Builder(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })).Build();
        var functionClasses = typeof(OnSendFunction).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(FunctionAttribute), false).Length > 0))
            .ToList();

        Assert.Equal(8, functionClasses.Count);
        Assert.All(functionClasses, type =>
        {
            var problem = Record.Exception(() => ActivatorUtilities.CreateInstance(host.Services, type));
            Assert.True(problem is null, $"{type.Name} cannot be created from the app's services: {problem?.Message}");
        });
    }

    /// <summary>The registered types that are the app's own (its Core assembly), with how often each is registered.</summary>
    private static List<string> AppServices(IServiceCollection services) =>
        [.. services
            .Where(d => d.ServiceType.Assembly == typeof(OnSendHandler).Assembly
                || d.ImplementationType?.Assembly == typeof(OnSendHandler).Assembly)
            .Select(d => $"{d.ServiceType.FullName} -> {d.ImplementationType?.FullName ?? "(factory)"}")
            .Order(StringComparer.Ordinal)];
}
