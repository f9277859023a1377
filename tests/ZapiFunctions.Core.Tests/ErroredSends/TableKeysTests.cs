using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.Core.Tests.ErroredSends;

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
}
