using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Health;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.Core.Health;

public sealed class QueueReadinessCheckTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly IOptions<ZapiOptions> Options =
        Microsoft.Extensions.Options.Options.Create(new ZapiOptions { DeliveriesQueue = "d-queue", ErroredSendsQueue = "e-queue" });

    [Fact]
    public async Task Both_queues_answering_is_healthy()
    {
        var service = Service(("d-queue", Answers()), ("e-queue", Answers()));

        var result = await Check(service.Object);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("queues d-queue, e-queue are reachable", result.Description);
    }

    [Fact]
    public async Task A_failing_queue_is_unhealthy_naming_the_queue_and_the_first_line_of_the_error()
    {
        var service = Service(
            ("d-queue", Answers()),
            ("e-queue", Fails(new RequestFailedException(403, "This request is not authorized to perform this operation.\nRequestId:1\nTime:now"))));

        var result = await Check(service.Object);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("queue e-queue: This request is not authorized to perform this operation.", result.Description);
    }

    [Fact]
    public async Task The_same_error_on_both_queues_is_reported_once_naming_both()
    {
        var down = new RequestFailedException("Connection refused (127.0.0.1:10001)");
        var service = Service(("d-queue", Fails(down)), ("e-queue", Fails(down)));

        var result = await Check(service.Object);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("queues d-queue, e-queue: Connection refused (127.0.0.1:10001)", result.Description);
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_yet_is_degraded_not_unhealthy()
    {
        var service = Service(
            ("d-queue", Fails(new RequestFailedException(404, "The specified queue does not exist.", "QueueNotFound", null))),
            ("e-queue", Answers()));

        var result = await Check(service.Object);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("storage answers but queue d-queue does not exist yet; it is created on first write", result.Description);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_is_unhealthy_once_the_timeout_passes()
    {
        var hangs = new Mock<QueueClient>();
        hangs.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>()))
            .Returns(async (CancellationToken ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            });
        var service = Service(("d-queue", Answers()), ("e-queue", hangs));

        var result = await Check(service.Object, TimeSpan.FromMilliseconds(200));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("queue e-queue: storage did not answer within 0.2 s", result.Description);
    }

    [Fact]
    public async Task A_real_unreachable_endpoint_is_reported_without_the_account_key()
    {
        var closedPort = LoopbackPort.Free();
        var service = new QueueServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"QueueEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;",
            new QueueClientOptions { Retry = { MaxRetries = 0 } });

        var result = await Check(service);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("queues d-queue, e-queue: ", result.Description, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(AccountKey[..12], result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Description!);
    }

    [Fact]
    public async Task After_retries_the_reason_is_the_last_try_s_error_not_the_retry_advice()
    {
        var retried = new AggregateException(
            "Retry failed after 3 tries. Retry settings can be adjusted in ClientOptions.Retry.",
            new RequestFailedException("Connection refused (127.0.0.1:10001)"),
            new RequestFailedException("Connection refused (127.0.0.1:10001)"));
        var service = Service(("d-queue", Answers()), ("e-queue", Fails(retried)));

        var result = await Check(service.Object);

        Assert.Equal("queue e-queue: Connection refused (127.0.0.1:10001)", result.Description);
    }

    [Theory]
    [InlineData("Bad: DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=x", "Bad: DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=x")]
    [InlineData("GET https://a.queue.core.windows.net/q?sv=2024&sig=abc%2Fdef&se=1 failed", "GET https://a.queue.core.windows.net/q?sv=2024&sig=***&se=1 failed")]
    [InlineData("first line\r\nsecond line", "first line")]
    public void Reasons_are_one_line_and_mask_keys_and_signatures(string message, string expected) =>
        Assert.Equal(expected, StorageFailure.FirstLine(message));

    private static Task<HealthCheckResult> Check(QueueServiceClient service, TimeSpan? timeout = null) =>
        new QueueReadinessCheck(service, Options, timeout ?? QueueReadinessCheck.DefaultTimeout)
            .CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

    private static Mock<QueueServiceClient> Service(params (string Name, Mock<QueueClient> Queue)[] queues)
    {
        var service = new Mock<QueueServiceClient>();
        foreach (var (name, queue) in queues)
        {
            service.Setup(s => s.GetQueueClient(name)).Returns(queue.Object);
        }

        return service;
    }

    private static Mock<QueueClient> Answers()
    {
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(QueuesModelFactory.QueueProperties(new Dictionary<string, string>(), 0), Mock.Of<Response>()));
        return queue;
    }

    private static Mock<QueueClient> Fails(Exception exception)
    {
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>())).ThrowsAsync(exception);
        return queue;
    }
}
