namespace ZapiFunctions.Core.Fallback;

/// <summary>What one scheduled run did.</summary>
public enum FallbackRecoveryOutcome
{
    /// <summary>No <c>ZapiFallbackStorage</c>: nothing was done.</summary>
    NotConfigured,

    /// <summary>The primary storage did not answer: nothing was moved.</summary>
    PrimaryUnavailable,

    /// <summary>The fallback was drained (possibly of nothing).</summary>
    Drained,
}
