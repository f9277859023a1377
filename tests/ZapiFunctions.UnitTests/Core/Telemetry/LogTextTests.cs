using System.Text;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.UnitTests.Core.Telemetry;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("abc\u001B[2Jdef", "abc\\u001B[2Jdef")]
    [InlineData("a\0b", "a\\u0000b")]
    [InlineData("ding\a", "ding\\u0007")]
    [InlineData("line1\r\nINFO forged", "line1\\u000D\\u000AINFO forged")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("del\u007F", "del\\u007F")]
    [InlineData("c1\u0085\u009B", "c1\\u0085\\u009B")]
    [InlineData("gpj.\u202Eexe", "gpj.\\u202Eexe")]
    [InlineData("\u202A\u202B\u202C\u202D", "\\u202A\\u202B\\u202C\\u202D")]
    [InlineData("\u2066isolate\u2069", "\\u2066isolate\\u2069")]
    [InlineData("mark\u200F\u061C", "mark\\u200F\\u061C")]
    [InlineData("para\u2028graph\u2029", "para\\u2028graph\\u2029")]
    public void Control_and_bidi_characters_are_written_as_escapes(string value, string expected)
    {
        Assert.Equal(expected, LogText.Escape(value));
        Assert.Equal(expected, LogText.Safe(value));
    }

    [Fact]
    public void Lone_surrogates_are_escaped_and_the_result_is_valid_utf16()
    {
        // Built in code: attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD.
        (string Value, string Expected)[] cases =
        [
            ("ok" + '\uD83D', "ok\\uD83D"),
            ('\uDE00' + "ok", "\\uDE00ok"),
            (string.Concat('\uDE00', '\uD83D'), "\\uDE00\\uD83D"),
        ];

        foreach (var (value, expected) in cases)
        {
            var safe = LogText.Safe(value);

            Assert.Equal(expected, safe);
            AssertValidUtf16(safe);
        }
    }

    [Fact]
    public void No_character_that_needs_escaping_is_left_raw()
    {
        var all = string.Concat(Enumerable.Range(0, 0x10000).Select(c => (char)c));

        var safe = LogText.Safe(all, int.MaxValue);

        Assert.DoesNotContain(safe, char.IsControl);
        Assert.DoesNotContain(safe, c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');
        AssertValidUtf16(safe);
    }

    [Theory]
    [InlineData("3EB0C767D097B7C7C030")]
    [InlineData("5511987654321")]
    [InlineData("Não foi possível enviar: número inválido (ação é obrigatória)")]
    [InlineData("Ola 😀 👍🏽 👨‍👩‍👧")]
    public void Clean_text_comes_back_as_the_same_instance(string value)
    {
        Assert.Same(value, LogText.Safe(value));
        Assert.Same(value, LogText.Escape(value));
    }

    [Fact]
    public void Null_is_an_empty_string()
    {
        Assert.Equal(string.Empty, LogText.Safe(null));
        Assert.Equal(string.Empty, LogText.Escape(null));
    }

    [Fact]
    public void A_very_long_id_is_cut_saying_how_much_was_left_out()
    {
        var id = new string('A', 10_000);

        var safe = LogText.Safe(id);

        Assert.Equal(new string('A', 128) + "…(+9872 chars)", safe);
        Assert.Equal(new string('A', 10) + "…(+9990 chars)", LogText.Safe(id, 10));
    }

    [Fact]
    public void Escape_never_cuts()
    {
        var id = new string('A', 10_000);

        Assert.Same(id, LogText.Escape(id));
    }

    [Fact]
    public void Text_exactly_at_the_limit_is_not_cut()
    {
        var id = new string('A', 128);

        Assert.Same(id, LogText.Safe(id));
    }

    [Fact]
    public void An_emoji_at_the_cut_point_is_kept_whole()
    {
        // 127 letters, then the emoji as element 128 and again as 129: the cut falls between the two emoji.
        var value = new string('a', 127) + "😀😀tail";

        var safe = LogText.Safe(value);

        Assert.Equal(new string('a', 127) + "😀…(+6 chars)", safe);
        AssertValidUtf16(safe);
    }

    [Fact]
    public void The_length_is_counted_in_text_elements_so_emoji_and_combining_marks_count_once()
    {
        // 128 text elements but 4 times as many UTF-16 characters: not cut.
        var emoji = string.Concat(Enumerable.Repeat("😀", 64)) + string.Concat(Enumerable.Repeat("e\u0301", 64));

        Assert.Same(emoji, LogText.Safe(emoji));
    }

    [Fact]
    public void A_cut_never_separates_a_combining_mark_from_its_letter()
    {
        var value = new string('a', 127) + "c\u0327\u0303" + "more";

        var safe = LogText.Safe(value);

        Assert.Equal(new string('a', 127) + "c\u0327\u0303…(+4 chars)", safe);
    }

    [Fact]
    public void A_single_text_element_of_thousands_of_combining_marks_cannot_fill_the_line()
    {
        var zalgo = "Z" + new string('\u0301', 10_000) + "end";

        var safe = LogText.Safe(zalgo);

        Assert.True(safe.Length < 1_000, $"{safe.Length} characters");
        Assert.EndsWith("…(+10004 chars)", safe, StringComparison.Ordinal);
        AssertValidUtf16(safe);
    }

    [Fact]
    public void A_long_value_with_control_characters_is_cut_and_escaped()
    {
        var value = "\u001B[2J" + new string('x', 10_000);

        var safe = LogText.Safe(value, 8);

        Assert.Equal("\\u001B[2Jxxxx…(+9996 chars)", safe);
    }

    [Fact]
    public void A_negative_length_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LogText.Safe("x", -1));

    internal static bool IsValidUtf16(string text)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            return false;
        }
    }

    internal static void AssertValidUtf16(string text)
    {
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var bytes = strict.GetBytes(text);
        Assert.Equal(text, strict.GetString(bytes));
        for (var i = 0; i < text.Length;)
        {
            Assert.Equal(System.Buffers.OperationStatus.Done, Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var consumed));
            i += consumed;
        }
    }
}
