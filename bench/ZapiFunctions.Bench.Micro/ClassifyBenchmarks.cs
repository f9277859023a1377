using BenchmarkDotNet.Attributes;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.Bench.Micro;

/// <summary>
/// <see cref="ErrorCatalog.Classify"/> of an error text: a documented text (exact row, with Z-API's trailing period),
/// a suffix row near the end of the table, and an unknown text (every row tried: the worst case); each beside
/// <see cref="RowScan"/>, the catalogue's former algorithm (normalize and compare row by row) over the same rows.
/// </summary>
[MemoryDiagnoser]
public class ClassifyBenchmarks
{
    [Params("Phone number does not exist.", "Call not available to channels.", "Something Z-API has never documented happened")]
    public string Error { get; set; } = string.Empty;

    [Benchmark(Baseline = true)]
    public ErrorClassification RowScanBefore() => RowScan(Error);

    [Benchmark]
    public ErrorClassification Classify() => ErrorCatalog.Classify(Error, null);

    [Benchmark]
    public ErrorClassification ByErrorCode() => ErrorCatalog.Classify(Error, "SHADOW_BAN");

    /// <summary>ErrorCatalog.Classify before the lookup table (commit 3acf034), for the before/after ratio.</summary>
    private static ErrorClassification RowScan(string? error)
    {
        var text = Normalize(error);
        foreach (var (rowText, match, classification) in ErrorCatalog.Rows)
        {
            var hit = match switch
            {
                ErrorCatalog.Match.Exact => text.Equals(Normalize(rowText), StringComparison.OrdinalIgnoreCase),
                ErrorCatalog.Match.Prefix => text.StartsWith(rowText, StringComparison.OrdinalIgnoreCase),
                _ => text.EndsWith(rowText, StringComparison.OrdinalIgnoreCase),
            };
            if (hit)
            {
                return classification;
            }
        }

        return ErrorCatalog.Classify(null, null);
    }

    private static string Normalize(string? text) => (text ?? string.Empty).Trim().TrimEnd('.').TrimEnd();
}
