using Microsoft.Extensions.Configuration;
using ZapiFunctions.DevHost.Settings;

namespace ZapiFunctions.UnitTests.DevHost;

public sealed class DisabledFunctionsTests
{
    [Theory]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "true", true)]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "True", true)]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "1", true)]
    [InlineData("AzureWebJobs_ErroredSend_Disabled", "TRUE", true)]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "false", false)]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "0", false)]
    [InlineData("AzureWebJobs.ErroredSend.Disabled", "yes", false)] // as the host reads it: only true or 1 switch off
    [InlineData("AzureWebJobs.DeadLetter.Disabled", "true", false)] // another function's switch
    public void A_function_is_switched_off_by_the_hosts_own_setting(string key, string value, bool disabled)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        Assert.Equal(disabled, DisabledFunctions.IsDisabled(configuration, "ErroredSend"));
    }

    [Fact]
    public void Every_function_is_on_unless_said_otherwise() =>
        Assert.False(DisabledFunctions.IsDisabled(new ConfigurationBuilder().Build(), "OnSend"));
}
