using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Fallback;

namespace ZapiFunctions.Core.Configuration;

/// <summary>
/// The storage part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>: the two storage settings, read
/// and checked once at start-up as named options, and every storage client the app uses, created by
/// Microsoft.Extensions.Azure from them.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Name of the primary account's queue client that does not Base64-decode: readers that never parse a body (the
    /// backlog gauges) or must read one in any encoding (erasure) count and skip instead of failing the receive.
    /// </summary>
    public const string UndecodedQueuesName = "undecoded";

    /// <summary>
    /// Registers <see cref="StorageConnection"/> options for <c>AzureWebJobsStorage</c> and <c>ZapiFallbackStorage</c>
    /// (validated on start, one line per problem, never a key), and through <c>AddAzureClients</c> the clients made
    /// from them: the default <see cref="QueueServiceClient"/> and <see cref="TableServiceClient"/>, the undecoded
    /// queue client <see cref="UndecodedQueuesName"/> and the fallback's <see cref="FallbackStorage.QueueClientName"/>.
    /// Clients are created when first resolved, so registration never throws on a bad setting.
    /// </summary>
    public static IServiceCollection AddZapiStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var setting in new[] { StorageConnection.SettingName, FallbackStorage.SettingName })
        {
            services.AddOptions<StorageConnection>(setting)
                .Configure(connection => connection.Read(configuration.GetSection(setting)))
                .ValidateOnStart();
        }

        services.AddSingleton<IValidateOptions<StorageConnection>>(new StorageConnectionProblems(configuration));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, provider) =>
                Queues(provider, StorageConnection.SettingName, options, decode: true));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, provider) =>
                Queues(provider, StorageConnection.SettingName, options, decode: false)).WithName(UndecodedQueuesName);
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, provider) =>
                Queues(provider, FallbackStorage.SettingName, options, decode: true)).WithName(FallbackStorage.QueueClientName);
            clients.AddClient<TableServiceClient, TableClientOptions>((options, _, provider) =>
            {
                ConfigureSdkLogging(options, provider);
                return Connection(provider, StorageConnection.SettingName).TableService(options, provider.GetRequiredService<AzureComponentFactory>());
            });
        });
        return services;
    }

    /// <summary>Base64 messages and retries bounded for a webhook's latency.</summary>
    internal static void ConfigureQueueOptions(QueueClientOptions options)
    {
        options.MessageEncoding = QueueMessageEncoding.Base64;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// The Azure SDK's per-call request/response log (its <c>LoggingPolicy</c>) only where someone reads it, i.e. when
    /// the <c>Azure.Core</c> log category is enabled at Information (<c>--Logging:LogLevel:Azure.Core=Information</c>;
    /// read once, when the client is created). AddAzureClients forwards the SDK's EventSource to ILogger, so otherwise
    /// every storage call would format its request and response headers into events that the default Warning level
    /// then drops, for nobody.
    /// </summary>
    private static void ConfigureSdkLogging(ClientOptions options, IServiceProvider provider)
    {
        var loggers = provider.GetService<ILoggerFactory>();
        options.Diagnostics.IsLoggingEnabled = loggers is not null && loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information);
    }

    private static QueueServiceClient Queues(IServiceProvider provider, string setting, QueueClientOptions options, bool decode)
    {
        ConfigureQueueOptions(options);
        ConfigureSdkLogging(options, provider);
        if (!decode)
        {
            options.MessageEncoding = QueueMessageEncoding.None;
        }

        return Connection(provider, setting).QueueService(options, provider.GetRequiredService<AzureComponentFactory>());
    }

    /// <summary>The setting's options: read and validated once (an invalid one throws its problems, one line each).</summary>
    private static StorageConnection Connection(IServiceProvider provider, string setting) =>
        provider.GetRequiredService<IOptionsMonitor<StorageConnection>>().Get(setting);

    /// <summary>The start-up check of each storage setting, by its name.</summary>
    private sealed class StorageConnectionProblems(IConfiguration configuration) : IValidateOptions<StorageConnection>
    {
        public ValidateOptionsResult Validate(string? name, StorageConnection options)
        {
            var problems = name switch
            {
                StorageConnection.SettingName => StorageConnection.Problems(configuration),
                FallbackStorage.SettingName => FallbackStorage.Problems(configuration),
                _ => [],
            };
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
        }
    }
}
