using ZapiFunctions.Core.Privacy;

namespace ZapiFunctions.UnitTests.Core.Privacy;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("5511987654321", "5511987654321")]
    [InlineData("+55 (11) 98765-4321", "5511987654321")]
    [InlineData(" 55 11 98765 4321 ", "5511987654321")]
    [InlineData("123456789012345@lid", "123456789012345@lid")]
    [InlineData("123456789012345@LID", "123456789012345@lid")]
    public void Input_is_read_as_Z_API_writes_the_phone(string input, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var phone));
        Assert.Equal(expected, phone);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("+-()")]
    [InlineData("55119876x4321")]
    [InlineData("@lid")]
    [InlineData("123@lid@lid")]
    [InlineData("120363019502650977@g.us")]
    public void Anything_else_is_not_a_phone(string? input) =>
        Assert.False(PhoneNumber.TryNormalize(input, out _));
}
