using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Tests.Telemetry;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("554499999999", "55******9999")]
    [InlineData("5511987654321", "55*******4321")]
    [InlineData("123456789012345@lid", "***********2345@lid")]
    [InlineData("120363019502650977-group", "12************0977-group")]
    [InlineData("12345", "***45")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Keeps_country_code_and_last_digits_only(string? phone, string expected) =>
        Assert.Equal(expected, PhoneMask.Mask(phone));
}
