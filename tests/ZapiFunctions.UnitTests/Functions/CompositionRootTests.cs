using Microsoft.Azure.Functions.Worker.Builder;
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
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        ZapiFunctionsApp.Configure(builder);
        var root = new ServiceCollection().AddZapiFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), TransportSecurity.Platform);

        Assert.Equal(AppServices(root), AppServices(builder.Services));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(OnSendHandler));
    }

    /// <summary>The registered types that are the app's own (its Core assembly), with how often each is registered.</summary>
    private static List<string> AppServices(IServiceCollection services) =>
        [.. services
            .Where(d => d.ServiceType.Assembly == typeof(OnSendHandler).Assembly
                || d.ImplementationType?.Assembly == typeof(OnSendHandler).Assembly)
            .Select(d => $"{d.ServiceType.FullName} -> {d.ImplementationType?.FullName ?? "(factory)"}")
            .Order(StringComparer.Ordinal)];
}
