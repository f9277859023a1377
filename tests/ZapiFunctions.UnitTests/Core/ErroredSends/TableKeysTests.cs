using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.UnitTests.Core.ErroredSends;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("3EB0C4F8E2A1B7D9", "3EB0C4F8E2A1B7D9")]
    [InlineData("instance.id", "instance.id")]
    [InlineData("a/b\\c#d?e%f", "a%2Fb%5Cc%23d%3Fe%25f")]
    [InlineData("tab\there", "tab%09here")]
    public void Forbidden_characters_are_escaped_and_others_kept(string id, string key) =>
        Assert.Equal(key, TableKeys.Encode(id));

    [Fact]
    public void Distinct_ids_never_share_a_key() =>
        Assert.NotEqual(TableKeys.Encode("a%2Fb"), TableKeys.Encode("a/b"));

    [Fact]
    public void An_id_too_long_for_a_key_is_keyed_by_its_hash_the_same_every_time()
    {
        var id = new string('9', 10_000);

        var key = TableKeys.Encode(id);

        Assert.StartsWith(TableKeys.HashPrefix, key, StringComparison.Ordinal);
        Assert.True(key.Length <= TableKeys.MaxLength);
        Assert.Equal(key, TableKeys.Encode(new string('9', 10_000)));
        Assert.NotEqual(key, TableKeys.Encode(new string('9', 9_999)));
    }

    [Fact]
    public void An_id_of_exactly_the_longest_key_is_kept_as_it_is() =>
        Assert.Equal(new string('a', TableKeys.MaxLength), TableKeys.Encode(new string('a', TableKeys.MaxLength)));
}
