using Microsoft.Extensions.Configuration;
using ZapiFunctions.Core.ErroredSends.DeadLetters;

namespace ZapiFunctions.Core.Tests.ErroredSends;

/// <summary>What a dead letter records about its failure, and which try the Functions host makes the last.</summary>
public sealed class DeadLetterErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zapi-hostjson-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_error_is_the_exception_type_and_first_line_with_phones_masked()
    {
        var error = new InvalidOperationException("Could not notify about 5511987654321 (request 7)\n   at Somewhere.Else()");

        var text = DeadLetterStore.Describe(error, "5511987654321");

        Assert.Equal("InvalidOperationException: Could not notify about 55*******4321 (request 7)", text);
    }

    [Fact]
    public void Any_long_run_of_digits_is_masked_even_when_the_phone_is_unknown()
    {
        var text = DeadLetterStore.Describe(new FormatException("bad value 123456789012@lid and 5544999999999"), phone: null);

        Assert.DoesNotContain("123456789012", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5544999999999", text, StringComparison.Ordinal);
        Assert.StartsWith("FormatException: bad value ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_SDK_retries_the_last_try_s_error_is_the_reason()
    {
        var error = new AggregateException("Retry failed after 3 tries.", new TimeoutException("first"), new HttpRequestException("Connection refused (127.0.0.1:10002)"));

        Assert.Equal("HttpRequestException: Connection refused (127.0.0.1:10002)", DeadLetterStore.Describe(error, null));
    }

    [Fact]
    public void Max_dequeue_count_comes_from_the_app_setting_that_overrides_host_json_first()
    {
        var hostJson = HostJson("""{"version":"2.0","extensions":{"queues":{"maxDequeueCount":5}}}""");

        var settings = HostQueueSettings.Resolve(Configuration(new() { [HostQueueSettings.OverrideKey] = "3" }), hostJson);

        Assert.Equal(3, settings.MaxDequeueCount);
        Assert.Contains("AzureFunctionsJobHost__extensions__queues__maxDequeueCount", settings.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Else_from_the_host_json_deployed_with_the_app()
    {
        var hostJson = HostJson("""{"version":"2.0","extensions":{"queues":{"batchSize":16,"maxDequeueCount":7}}}""");

        var settings = HostQueueSettings.Resolve(Configuration(new() { [HostQueueSettings.OverrideKey] = "many" }), hostJson);

        Assert.Equal(new HostQueueSettings(7, hostJson), settings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"version":"2.0"}""")]
    [InlineData("""{"extensions":{"queues":{"maxDequeueCount":0}}}""")]
    [InlineData("{ not json")]
    public void Else_the_runtime_default_of_5(string? content)
    {
        var hostJson = content is null ? Path.Combine(_directory, "missing.json") : HostJson(content);

        var settings = HostQueueSettings.Resolve(Configuration([]), hostJson);

        Assert.Equal(HostQueueSettings.RuntimeDefaultMaxDequeueCount, settings.MaxDequeueCount);
        Assert.Equal(5, settings.MaxDequeueCount);
    }

    private string HostJson(string content)
    {
        var path = Path.Combine(_directory, "host.json");
        File.WriteAllText(path, content);
        return path;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
