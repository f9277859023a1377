using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.UnitTests.Core.Configuration;

/// <summary>The app's services (ingest and errored sends) over in-memory settings, as the hosts register them.</summary>
internal static class SettingsHost
{
    public static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddZapiFunctions(configuration, TransportSecurity.Application)
            .BuildServiceProvider();
    }
}
