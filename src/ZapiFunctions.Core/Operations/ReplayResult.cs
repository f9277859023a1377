namespace ZapiFunctions.Core.Operations;

/// <summary>What a replay moved back, and which requested ids it did not find.</summary>
public sealed record ReplayResult(IReadOnlyList<string> Replayed, IReadOnlyList<string> NotFound);
