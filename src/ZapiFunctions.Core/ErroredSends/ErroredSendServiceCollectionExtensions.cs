using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>Registers the errored-send processor; the same call serves the Functions app, the DevHost and tests.</summary>
public static class ErroredSendServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ErroredSendProcessor"/> with its table (from <c>AzureWebJobsStorage</c>), notifier (with the
    /// standard resilience pipeline) and metrics, plus table creation at start-up; and
    /// <see cref="DeadLetterHandler"/>, which keeps what the poison queue receives in the dead-letters table.
    /// </summary>
    public static IServiceCollection AddZapiErroredSends(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddZapiOptions(configuration);
        services.AddZapiStorageTables(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp => new ErroredSendLedger(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<ZapiOptions>>().Value.ErroredSendsTable),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ErroredSendMetrics>();
        services.AddHttpClient<ErroredSendNotifier>(ErroredSendNotifier.ClientName)
            .AddStandardResilienceHandler(ConfigureNotifyResilience);
        services.TryAddTransient<ErroredSendProcessor>();
        services.AddHostedService<ErroredSendProvisioner>();
        services.AddZapiDeadLetters();
        return services;
    }

    private static void ConfigureNotifyResilience(HttpStandardResilienceOptions options)
    {
        // A notification is worth a few quick tries; past that the queue message is retried as a whole.
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
    }
}
