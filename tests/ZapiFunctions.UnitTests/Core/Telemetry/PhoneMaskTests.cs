using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Core.Telemetry;

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

    [Theory]
    [InlineData("55119876😀4321", "55*******4321")]
    [InlineData("5511😀😀😀😀4321", "55******4321")]
    [InlineData("551198765432😀", "55*******432😀")]
    [InlineData("👍🏽5511987654321", "👍🏽5********4321")]
    [InlineData("5511987654e\u0301", "55*****654e\u0301")]
    public void An_emoji_or_combining_sequence_is_masked_or_kept_whole(string phone, string expected)
    {
        var masked = PhoneMask.Mask(phone);

        Assert.Equal(expected, masked);
        Assert.True(LogTextTests.IsValidUtf16(masked));
    }

    [Fact]
    public void A_control_character_in_a_kept_digit_is_escaped() =>
        Assert.Equal("\\u001B5*******5432", PhoneMask.Mask("\u001b551198765432"));
}
