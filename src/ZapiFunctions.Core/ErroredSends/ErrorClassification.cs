namespace ZapiFunctions.Core.ErroredSends;

/// <summary>What a Z-API send error means for the operator.</summary>
/// <param name="Category">Stable category name (see <see cref="ErrorCategories"/>), used in the table, metrics and queries.</param>
/// <param name="Retryable">True when resending the same message later can succeed without anyone changing anything.</param>
/// <param name="Advice">One line saying what to do.</param>
public sealed record ErrorClassification(string Category, bool Retryable, string Advice);
