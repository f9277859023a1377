using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.Core.Callbacks;

/// <summary>The files under samples/callbacks (used in the README and by `zapi simulate`) say what they claim.</summary>
public sealed class SampleCallbackFilesTests
{
    private static readonly string Samples = Path.Combine(RepositoryRoot.Path, "samples", "callbacks");

    public static TheoryData<string> ErrorSamples => new(Directory.GetFiles(Path.Combine(Samples, "errors"), "*.json").Select(Path.GetFileName)!);

    public static TheoryData<string> InvalidSamples => new(Directory.GetFiles(Path.Combine(Samples, "invalid"), "*.json").Select(Path.GetFileName)!);

    [Fact]
    public void The_delivered_sample_is_a_valid_successful_send()
    {
        var parsed = CallbackParser.Parse(File.ReadAllBytes(Path.Combine(Samples, "delivered.json")));

        Assert.NotNull(parsed.Callback);
        Assert.False(parsed.Callback.IsError);
    }

    [Theory]
    [MemberData(nameof(ErrorSamples))]
    public void Each_error_sample_is_a_valid_failed_send_the_catalogue_knows(string file)
    {
        var parsed = CallbackParser.Parse(File.ReadAllBytes(Path.Combine(Samples, "errors", file)));

        Assert.NotNull(parsed.Callback);
        Assert.True(parsed.Callback.IsError);
        Assert.NotEqual(ErrorCategories.Unknown, ErrorCatalog.Classify(parsed.Callback.Error, parsed.Callback.ErrorCode).Category);
    }

    [Fact]
    public void There_is_one_error_sample_per_documented_error() =>
        Assert.Equal(47, ErrorSamples.Count);

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public void Each_invalid_sample_is_rejected(string file) =>
        Assert.NotNull(CallbackParser.Parse(File.ReadAllBytes(Path.Combine(Samples, "invalid", file))).Rejection);
}
