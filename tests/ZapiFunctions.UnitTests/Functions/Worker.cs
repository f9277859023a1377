using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;

namespace ZapiFunctions.UnitTests.Functions;

/// <summary>The Functions app's builder, configured as the worker is when the Functions host starts it.</summary>
internal static class Worker
{
    /// <summary>
    /// A builder over <paramref name="values"/> as the host passes app settings to the worker: environment variables,
    /// written with <c>__</c> (<c>Zapi__MaxBodyBytes</c>) and read as sections.
    /// </summary>
    public static FunctionsApplicationBuilder Builder(Dictionary<string, string?> values)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(values.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)));
        return builder;
    }
}
