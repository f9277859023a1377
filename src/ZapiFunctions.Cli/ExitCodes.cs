namespace ZapiFunctions.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The operation failed: Z-API refused, storage unreachable, a replay interrupted.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: unknown or missing options, an invalid value such as a non-HTTPS URL.</summary>
    public const int Usage = 2;
}
