namespace ZapiFunctions.Core.ErroredSends;

/// <summary>What processing one errored-send message did.</summary>
/// <param name="Classification">The catalogue's verdict.</param>
/// <param name="Occurrences">The row's occurrence count afterwards.</param>
/// <param name="Counted">False when this was a redelivery of an already counted request.</param>
/// <param name="Notified">True when the team's endpoint was told during this call.</param>
public sealed record ErroredSendOutcome(ErrorClassification Classification, int Occurrences, bool Counted, bool Notified);
