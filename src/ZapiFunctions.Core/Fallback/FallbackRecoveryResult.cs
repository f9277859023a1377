namespace ZapiFunctions.Core.Fallback;

/// <summary>What one scheduled run of <see cref="FallbackRecovery"/> did.</summary>
/// <param name="Outcome">Skipped, primary unavailable, or drained.</param>
/// <param name="Moved">Messages moved per queue (empty unless drained).</param>
/// <param name="Problem">Why the primary was judged unavailable, in one line.</param>
public sealed record FallbackRecoveryResult(FallbackRecoveryOutcome Outcome, IReadOnlyList<QueueCount> Moved, string? Problem);
