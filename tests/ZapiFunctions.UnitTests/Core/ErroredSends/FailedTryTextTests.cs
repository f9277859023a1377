using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.UnitTests.Core.ErroredSends;

/// <summary>What the log line of a failed try (the error a dead letter is found by) says about the failure.</summary>
public sealed class FailedTryTextTests
{
    [Fact]
    public void The_error_is_the_exception_type_and_first_line_with_phones_masked()
    {
        var error = new InvalidOperationException("Could not notify about 5511987654321 (request 7)\n   at Somewhere.Else()");

        var text = ErroredSendProcessor.DescribeFailure(error, "5511987654321");

        Assert.Equal("InvalidOperationException: Could not notify about 55*******4321 (request 7)", text);
    }

    [Fact]
    public void Any_long_run_of_digits_is_masked_even_when_the_phone_is_unknown()
    {
        var text = ErroredSendProcessor.DescribeFailure(new FormatException("bad value 123456789012@lid and 5544999999999"), phone: null);

        Assert.DoesNotContain("123456789012", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5544999999999", text, StringComparison.Ordinal);
        Assert.StartsWith("FormatException: bad value ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_SDK_retries_the_last_try_s_error_is_the_reason()
    {
        var error = new AggregateException("Retry failed after 3 tries.", new TimeoutException("first"), new HttpRequestException("Connection refused (127.0.0.1:10002)"));

        Assert.Equal("HttpRequestException: Connection refused (127.0.0.1:10002)", ErroredSendProcessor.DescribeFailure(error, null));
    }
}
