namespace ZapiFunctions.Operations.DeadLetters;

/// <summary>What a replay moved back, and which requested ids it did not find.</summary>
public sealed record ReplayResult(IReadOnlyList<string> Replayed, IReadOnlyList<string> NotFound);
