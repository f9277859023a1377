using ZapiFunctions.BicepTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.BicepTests;

public sealed class BicepToolTests
{
    [Theory]
    [InlineData("main.bicep")]
    [InlineData("app/storage.bicep")]
    [InlineData("app/fallback-storage.bicep")]
    [InlineData("app/function-app.bicep")]
    [InlineData("app/monitoring.bicep")]
    [InlineData("app/identity.bicep")]
    [InlineData("app/roles.bicep")]
    [InlineData("app/alerts.bicep")]
    [InlineData("app/workbook.bicep")]
    [InlineData("app/network.bicep")]
    public void Lint_is_clean_with_no_warnings(string file)
    {
        var (code, output) = Bicep.Run("lint", file);

        Assert.True(code == 0, output);
        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact]
    public void The_cli_is_the_pinned_version()
    {
        var (_, output) = Bicep.Run("--version");

        Assert.Contains("0.49.2", output, StringComparison.Ordinal);
    }
}
