using System.Collections.Concurrent;
using System.Diagnostics;
using Moq;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;
using ZapiFunctions.UnitTests.Core.Support;

namespace ZapiFunctions.UnitTests.Core.Telemetry;

/// <summary>Tests that listen to the <c>ZapiFunctions</c> activity source, or need nothing to: never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ActivitySourceTests
{
    public const string Name = "ZapiFunctions activity source";
}

/// <summary>One trace per callback: the queue message carries the ingest's trace, processing continues it.</summary>
[Collection(ActivitySourceTests.Name)]
public sealed class TraceContextTests : IDisposable
{
    private const string IngestTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly HandlerHarness _harness = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener? _listener;

    public void Dispose()
    {
        _listener?.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task Without_any_listener_the_queue_message_still_carries_a_valid_w3c_traceparent()
    {
        Assert.False(ZapiTelemetry.Source.HasListeners());
        Assert.Null(Activity.Current);

        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));
        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        var traceParents = _harness.Sent.Select(s => EnvelopeReader.Read(s.Message).TraceParent).ToList();
        Assert.All(traceParents, tp =>
        {
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", tp);
            Assert.True(ActivityContext.TryParse(tp, null, out var context));
            Assert.NotEqual(default, context.TraceId);
        });
        Assert.NotEqual(traceParents[0], traceParents[1]);
    }

    [Fact]
    public async Task The_queue_message_carries_the_ingest_activity_as_its_traceparent()
    {
        Listen();

        await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Errored));

        var ingest = Assert.Single(_stopped, a => a.OperationName == "zapi.ingest");
        var envelope = EnvelopeReader.Read(Assert.Single(_harness.Sent).Message);
        Assert.Equal($"00-{ingest.TraceId}-{ingest.SpanId}-01", envelope.TraceParent);
        Assert.Equal("enqueued", ingest.GetTagItem("zapi.outcome"));
        Assert.Equal("errored", ingest.GetTagItem("zapi.reason"));
        Assert.Equal(envelope.RequestId, ingest.GetTagItem("zapi.request_id"));
        Assert.Equal(ActivityStatusCode.Unset, ingest.Status);
    }

    [Fact]
    public async Task A_queue_failure_marks_the_ingest_activity_failed_with_the_reason()
    {
        Listen();
        _harness.Queue
            .Setup(q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("Connection refused (127.0.0.1:10001)"));

        var response = await _harness.SendAsync(TestHttp.Request(SampleCallbacks.Delivered));

        Assert.Equal(503, response.Status);
        var ingest = Assert.Single(_stopped, a => a.OperationName == "zapi.ingest");
        Assert.Equal(ActivityStatusCode.Error, ingest.Status);
        Assert.StartsWith("queue-unavailable: could not enqueue on zapi-deliveries", ingest.StatusDescription, StringComparison.Ordinal);
        Assert.Contains("Connection refused", ingest.StatusDescription, StringComparison.Ordinal);
        Assert.Equal("unavailable", ingest.GetTagItem("zapi.outcome"));
        Assert.Equal("queue-unavailable", ingest.GetTagItem("zapi.reason"));
    }

    [Fact]
    public void Processing_is_a_child_of_the_ingest_in_its_trace_and_links_the_invocation()
    {
        Listen();
        using var invocation = new Activity("invocation").SetIdFormat(ActivityIdFormat.W3C).Start();

        using (var processing = ErroredSendProcessor.StartActivity(Envelope(IngestTraceParent), invocation))
        {
            Assert.NotNull(processing);
            Assert.Equal(ActivityKind.Consumer, processing.Kind);
            Assert.Equal("0af7651916cd43dd8448eb211c80319c", processing.TraceId.ToHexString());
            Assert.Equal("b7ad6b7169203331", processing.ParentSpanId.ToHexString());
            Assert.True(processing.HasRemoteParent);
            Assert.Equal(invocation.Context, Assert.Single(processing.Links).Context);
            Assert.Equal("req-1", processing.GetTagItem("zapi.request_id"));
            Assert.Same(processing, Activity.Current);
        }

        Assert.Same(invocation, Activity.Current);
    }

    [Fact]
    public void Processing_of_a_message_without_a_traceparent_runs_under_the_invocation()
    {
        Listen();
        using var invocation = new Activity("invocation").SetIdFormat(ActivityIdFormat.W3C).Start();

        using var processing = ErroredSendProcessor.StartActivity(Envelope(null), invocation);

        Assert.NotNull(processing);
        Assert.Equal(invocation.TraceId, processing.TraceId);
        Assert.Equal(invocation.SpanId, processing.ParentSpanId);
        Assert.Empty(processing.Links);
    }

    private static CallbackEnvelope Envelope(string? traceParent) =>
        EnvelopeReader.Read(EnvelopeWriter.Write(DateTimeOffset.UnixEpoch, "req-1", traceParent, System.Text.Encoding.UTF8.GetBytes(SampleCallbacks.Errored)));

    private void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ZapiTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }
}
