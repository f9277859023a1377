using System.Text;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Tests.Telemetry;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("M\u001b[2J", "M\\u001B[2J")]
    [InlineData("a\u0000b\u0007c", "a\\u0000b\\u0007c")]
    [InlineData("line\r\nforged", "line\\u000D\\u000Aforged")]
    [InlineData("tab\tdel\u007f", "tab\\u0009del\\u007F")]
    [InlineData("c1\u009b31m", "c1\\u009B31m")]
    [InlineData("abc\u202Edcba", "abc\\u202Edcba")]
    [InlineData("iso\u2066x\u2069", "iso\\u2066x\\u2069")]
    public void Control_and_bidi_characters_are_written_as_visible_escapes(string value, string expected) =>
        Assert.Equal(expected, LogText.Safe(value));

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_kept()
    {
        Assert.Equal("a\\uD83Db", LogText.Safe("a\uD83Db"));
        Assert.Equal("a😀b", LogText.Safe("a😀b"));
    }

    [Theory]
    [InlineData("3EB0F1C2D3E4F5A6B7C8")]
    [InlineData("Não foi possível enviar: ação inválida é")]
    public void Clean_text_is_returned_as_the_same_instance(string value) =>
        Assert.Same(value, LogText.Safe(value));

    [Fact]
    public void A_long_id_is_cut_saying_how_much_was_left_out()
    {
        var safe = LogText.Safe(new string('9', 10_000));

        Assert.Equal(new string('9', 128) + "…(+9872 chars)", safe);
    }

    [Fact]
    public void A_cut_never_splits_an_emoji_or_an_accent()
    {
        var value = new string('a', 127) + "👍🏽" + "e\u0301" + new string('b', 50);

        var safe = LogText.Safe(value);

        Assert.StartsWith(new string('a', 127) + "👍🏽…", safe, StringComparison.Ordinal);
        Assert.True(IsValidUtf16(safe));
        Assert.True(IsValidUtf16(LogText.Safe(new string('a', 127) + "😀😀", 128)));
    }

    [Fact]
    public void Null_and_empty_are_empty() =>
        Assert.Equal((string.Empty, string.Empty), (LogText.Safe(null), LogText.Escape(string.Empty)));

    internal static bool IsValidUtf16(string text)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
