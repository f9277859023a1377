using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Core.ErroredSends.DeadLetters;

/// <summary>Registers the dead-letters table and the poison-queue handler both hosts call (part of <c>AddZapiErroredSends</c>).</summary>
public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DeadLetterStore"/> on <c>Zapi__DeadLettersTable</c>, its creation at start-up and
    /// <see cref="DeadLetterHandler"/>. Expects the options and table client <c>AddZapiErroredSends</c> registers.
    /// </summary>
    public static IServiceCollection AddZapiDeadLetters(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DeadLetterStore(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<ZapiOptions>>().Value.DeadLettersTable)));
        services.TryAddSingleton<DeadLetterHandler>();
        services.AddHostedService<DeadLetterProvisioner>();
        return services;
    }
}
