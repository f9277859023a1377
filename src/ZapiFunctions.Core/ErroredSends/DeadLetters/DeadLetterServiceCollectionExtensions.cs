using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>The dead letters' part of <see cref="ZapiServiceCollectionExtensions.AddZapiFunctions"/>: the table and the poison-queue handler both hosts call.</summary>
public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DeadLetterStore"/> on <c>Zapi__DeadLettersTable</c>, its creation at start-up and
    /// <see cref="DeadLetterHandler"/>.
    /// </summary>
    public static IServiceCollection AddZapiDeadLetters(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DeadLetterStore(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<ZapiOptions>>().Value.DeadLettersTable)));
        services.AddSingleton<DeadLetterHandler>();
        services.AddHostedService<DeadLetterProvisioner>();
        return services;
    }
}
