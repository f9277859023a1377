using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// Prints a test's measured figures as one line, <c>reliability &lt;test&gt;: name=value …</c>, to the test's output,
/// to the console, and as an xunit diagnostic message: the last is what <c>dotnet test</c> (and so test.sh) shows at
/// its default verbosity (this project's xunit.runner.json turns diagnostic messages on).
/// </summary>
public sealed class Figures(IMessageSink sink)
{
    public void Print(ITestOutputHelper output, string test, params (string Name, object? Value)[] figures)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(figures);
        var line = new StringBuilder("reliability ").Append(test).Append(':');
        foreach (var (name, value) in figures)
        {
            line.Append(' ').Append(name).Append('=').Append(Format(value));
        }

        var text = line.ToString();
        output.WriteLine(text);
        Console.WriteLine(text);
        sink.OnMessage(new DiagnosticMessage(text));
    }

    /// <summary>Status counts as <c>{200:4990,503:10}</c>, in status order.</summary>
    public static string Statuses(IEnumerable<int> statuses) =>
        "{" + string.Join(',', statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => FormattableString.Invariant($"{(g.Key == 0 ? "none" : g.Key)}:{g.Count()}"))) + "}";

    private static string Format(object? value) => value switch
    {
        null => "-",
        TimeSpan time => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        double number => number.ToString("0.##", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
