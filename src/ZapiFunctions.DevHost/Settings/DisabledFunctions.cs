namespace ZapiFunctions.DevHost.Settings;

/// <summary>
/// The runtime's switch for one function, the app setting <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> (or
/// <c>AzureWebJobs_&lt;Function&gt;_Disabled</c>, for shells without dots in variable names), honoured as the Functions host
/// reads it: <c>true</c> or <c>1</c>, in any case, disables the function; any other value leaves it on. A disabled queue or
/// timer function does not run and does not poll storage; a disabled HTTP function answers 404, as under the host.
/// </summary>
internal static class DisabledFunctions
{
    public static bool IsDisabled(IConfiguration configuration, string function)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return IsOn(configuration[$"AzureWebJobs.{function}.Disabled"]) || IsOn(configuration[$"AzureWebJobs_{function}_Disabled"]);
    }

    private static bool IsOn(string? value) =>
        string.Equals(value, "1", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
