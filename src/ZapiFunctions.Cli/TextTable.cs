using System.Text;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Cli;

/// <summary>
/// A plain, aligned text table for terminals (use --json for scripts). Cells hold text from callbacks, so each is
/// escaped and cut as a log line is (<see cref="LogText.Safe"/>): a NUL, BEL or ESC in an id can neither break the
/// columns nor drive the terminal.
/// </summary>
internal static class TextTable
{
    /// <summary>The longest cell, in text elements, before it is cut.</summary>
    public const int MaxCell = 200;

    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Select(r => (IReadOnlyList<string>)r.Select(cell => LogText.Safe(cell, MaxCell)).ToList()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(Line(headers, widths));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in all)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            builder.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        return builder.ToString().TrimEnd();
    }
}
