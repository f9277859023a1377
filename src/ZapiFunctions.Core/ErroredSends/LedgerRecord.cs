namespace ZapiFunctions.Core.ErroredSends;

/// <summary>The row after recording, and whether this call counted a new occurrence.</summary>
public sealed record LedgerRecord(ErroredSendEntity Entity, bool Counted);
