using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Bench.Micro;

/// <summary>
/// What <c>OnSendHandler</c> does to an accepted callback besides the queue call: a request id, parse + validate,
/// the masked phone for the log line, the trace parent and the envelope (UTF-8 JSON). <c>…AndBase64</c> adds the
/// Base64 text the queue client makes of the envelope (QueueMessageEncoding.Base64). Typical = samples/callbacks/
/// delivered.json (~230 bytes); large = the same with an unknown field padding it to 64 KiB (above the 48000-byte
/// default limit since bodies must fit one queue message; kept at 64 KiB so figures stay comparable).
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private ReadOnlyMemory<byte> _typical;
    private ReadOnlyMemory<byte> _large;

    [GlobalSetup]
    public void Setup()
    {
        var delivered = File.ReadAllBytes(Samples.Path("samples", "callbacks", "delivered.json"));
        _typical = delivered;
        var padded = JsonNode.Parse(delivered)!.AsObject();
        padded["padding"] = string.Empty;
        var size = Encoding.UTF8.GetByteCount(padded.ToJsonString());
        padded["padding"] = new string('x', (64 * 1024) - size);
        _large = Encoding.UTF8.GetBytes(padded.ToJsonString());
        if (_large.Length != 64 * 1024)
        {
            throw new InvalidOperationException($"the large callback is {_large.Length} bytes");
        }
    }

    [Benchmark(Baseline = true)]
    public BinaryData Typical() => Handle(_typical);

    [Benchmark]
    public string TypicalAndBase64() => Convert.ToBase64String(Handle(_typical).ToMemory().Span);

    [Benchmark]
    public BinaryData Large64KiB() => Handle(_large);

    [Benchmark]
    public string Large64KiBAndBase64() => Convert.ToBase64String(Handle(_large).ToMemory().Span);

    private static BinaryData Handle(ReadOnlyMemory<byte> body)
    {
        var requestId = Guid.CreateVersion7().ToString("N");
        var callback = CallbackParser.Parse(body).Callback ?? throw new InvalidOperationException("rejected");
        _ = PhoneMask.Mask(callback.Phone);
        return EnvelopeWriter.Write(DateTimeOffset.UtcNow, requestId, ZapiTelemetry.TraceParent(null), body.Span);
    }
}

internal static class Samples
{
    /// <summary>A file under the repository root (the folder holding ZapiFunctions.sln).</summary>
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ZapiFunctions.sln")))
            {
                return System.IO.Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("ZapiFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
