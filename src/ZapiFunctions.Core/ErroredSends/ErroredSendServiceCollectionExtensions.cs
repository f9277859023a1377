using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>The errored-send processor's part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>.</summary>
public static class ErroredSendServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ErroredSendProcessor"/> with its table, notifier (with the standard resilience pipeline) and
    /// metrics, plus table creation at start-up.
    /// </summary>
    public static IServiceCollection AddZapiErroredSends(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ErroredSendLedger(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<ZapiOptions>>().Value.ErroredSendsTable),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ErroredSendMetrics>();
        services.AddHttpClient<ErroredSendNotifier>(ErroredSendNotifier.ClientName)
            .AddStandardResilienceHandler(ConfigureNotifyResilience);
        services.AddTransient<ErroredSendProcessor>();
        services.AddHostedService<ErroredSendProvisioner>();
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
