using ZapiFunctions.Cli;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.IntegrationTests.Cli.Support;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary>Options that make no sense are one line naming what to give, exit code 2, before any storage is read.</summary>
public sealed class OptionValidationTests
{
    [Theory]
    [InlineData("-3")]
    [InlineData("0")]
    public async Task Errored_list_top_below_one_is_a_usage_error(string top)
    {
        var (code, output, error) = await ZapiTool.RunAsync(null, "errored", "list", "--top", top, "--settings", "/nonexistent/local.settings.json");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal($"error: --top must be a whole number of at least 1 (got {top}).", Assert.Single(Lines(error)));
    }

    [Fact]
    public async Task Errored_list_with_an_unknown_category_lists_the_categories()
    {
        var (code, _, error) = await ZapiTool.RunAsync(null, "errored", "list", "--category", "timeout", "--settings", "/nonexistent/local.settings.json");

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: --category 'timeout' is not a category; use one of: sending-restricted, temporary-restriction,", line, StringComparison.Ordinal);
        Assert.All(ErrorCategories.All, c => Assert.Contains(c, line, StringComparison.Ordinal));
    }

    [Fact]
    public void A_category_is_matched_in_any_case()
    {
        Assert.Equal(ErrorCategories.InvalidNumber, ZapiFunctions.Cli.Commands.ErroredCommands.Category(" Invalid-Number "));
        Assert.Null(ZapiFunctions.Cli.Commands.ErroredCommands.Category(null));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
