using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ZapiFunctions.Core.Configuration;

/// <summary>Registers a <see cref="SettingProblemsValidator{TOptions}"/> for a setting that has no options to bind.</summary>
internal static class SettingProblemsValidatorExtensions
{
    /// <summary>
    /// Checks <paramref name="problems"/> at start-up (<c>ValidateOnStart</c> on the marker type
    /// <typeparamref name="TChecked"/>): clients that read a setting lazily would otherwise surface a bad value only at
    /// first use. Adding the same marker twice checks once.
    /// </summary>
    public static void AddSettingProblemsCheck<TChecked>(this IServiceCollection services, Func<IReadOnlyList<SettingProblem>> problems)
        where TChecked : class
    {
        services.AddOptions<TChecked>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TChecked>>(new SettingProblemsValidator<TChecked>(problems)));
    }
}
