using System.Globalization;

namespace ZapiFunctions.Bench.Ingest;

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// A distribution-free confidence interval for the median of <paramref name="values"/> (the sign test's): the
    /// k-th smallest and k-th largest value, k the largest rank whose binomial tail P(X &lt; k), X ~ B(n, 1/2), is at most
    /// (1 - <paramref name="confidence"/>) / 2. It assumes nothing about the spread of the values, only that they are
    /// independent; null when there are too few of them for that confidence (fewer than 6 for 95 %).
    /// </summary>
    public static (double Low, double High, double Coverage)? MedianInterval(IEnumerable<double> values, double confidence = 0.95)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        var tail = 0.0; // P(X < k)
        var k = 0;
        var probability = Math.Pow(0.5, n); // P(X = 0)
        while (k < n / 2 && tail + probability <= (1 - confidence) / 2)
        {
            tail += probability;
            k++;
            probability *= (n - k + 1) / (double)k; // P(X = k) from P(X = k - 1)
        }

        return k == 0 ? null : (sorted[k - 1], sorted[n - k], 1 - (2 * tail));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>CPU time (user + system) a process used so far, from /proc/&lt;pid&gt;/stat (clock ticks of 10 ms).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The 1-minute load average from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
