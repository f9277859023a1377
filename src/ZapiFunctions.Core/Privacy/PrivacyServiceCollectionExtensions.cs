using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.Privacy;

/// <summary>Builds personal-data retention for the hosts (erasure is the CLI's: ZapiFunctions.Operations).</summary>
public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PersonalDataRetention"/> over the errored-sends and dead-letter tables; the host decides when it
    /// runs (the Retention function, the DevHost's poller).
    /// </summary>
    public static IServiceCollection AddZapiRetention(this IServiceCollection services)
    {
        services.AddSingleton(sp => Retention(
            sp.GetRequiredService<TableServiceClient>(),
            sp.GetRequiredService<IOptions<ZapiOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PersonalDataRetention>>()));
        return services;
    }

    /// <summary>Retention over the tables <paramref name="options"/> name.</summary>
    public static PersonalDataRetention Retention(
        TableServiceClient tables, ZapiOptions options, TimeProvider time, ILogger<PersonalDataRetention> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        return new PersonalDataRetention(
            tables.GetTableClient(options.ErroredSendsTable), tables.GetTableClient(DeadLetterTable.Name(options)), time, logger);
    }
}
