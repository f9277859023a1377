using ZapiFunctions.Cli;
namespace ZapiFunctions.IntegrationTests.Cli;

public sealed class TextTableTests
{
    [Fact]
    public void Control_characters_in_cells_are_escaped_and_the_columns_stay_aligned()
    {
        using var writer = new StringWriter();

        TextTable.Write(writer, ["message", "instance"], [["M\u0000\u0007\u001b[2J", "inst-1"], ["M-2", "inst-2"]]);

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(writer.ToString().Replace(Environment.NewLine, string.Empty, StringComparison.Ordinal), char.IsControl);
        Assert.Equal(["message", "instance"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("M\\u0000\\u0007\\u001B[2J  inst-1", lines[2], StringComparison.Ordinal);
        Assert.Equal(lines[2].IndexOf("inst-1", StringComparison.Ordinal), lines[3].IndexOf("inst-2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cell_longer_than_the_limit_is_cut_saying_how_much()
    {
        using var writer = new StringWriter();

        TextTable.Write(writer, ["message"], [[new string('9', 1000)]]);

        Assert.Contains(new string('9', TextTable.MaxCell) + "…(+800 chars)", writer.ToString(), StringComparison.Ordinal);
    }
}
