using System.Diagnostics.Metrics;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli.Support;

/// <summary>
/// Callbacks stored as the app stores them: read by the ingest's <see cref="CallbackParser"/>, wrapped by its
/// <see cref="EnvelopeWriter"/>, and recorded by the real <see cref="ErroredSendProcessor"/>, so the tool is tested on
/// what the app writes for each shape a sender posts.
/// </summary>
internal static class AppPipeline
{
    /// <summary>A sample callback of the repository, e.g. <c>shapes/minimal</c>.</summary>
    public static string Sample(string name) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "callbacks", name + ".json"));

    /// <summary>
    /// The envelope the ingest queues for <paramref name="callback"/>, posted to the per-instance URL of
    /// <paramref name="pathInstanceId"/> when given, else to the shared URL.
    /// </summary>
    public static BinaryData Envelope(string callback, DateTimeOffset receivedAt, string requestId, string? pathInstanceId = null)
    {
        var body = Encoding.UTF8.GetBytes(callback);
        var parsed = CallbackParser.Parse(body, pathInstanceId);
        return EnvelopeWriter.Write(
            receivedAt, requestId, null, body, parsed.Callback ?? throw new ArgumentException(parsed.Detail, nameof(callback)));
    }

    /// <summary>Processes <paramref name="envelope"/> as the ErroredSend function does, notifications off.</summary>
    public static async Task<ErroredSendOutcome> ProcessAsync(Azurite storage, BinaryData envelope, TimeProvider time)
    {
        var table = new TableClient(storage.ConnectionString, "ZapiErroredSends");
        await table.CreateIfNotExistsAsync();
        using var meters = new Meters();
        using var http = new HttpClient();
        var processor = new ErroredSendProcessor(
            new ErroredSendLedger(table, time),
            new ErroredSendNotifier(http, Options.Create(new ZapiOptions())),
            new ErroredSendMetrics(meters),
            NullLogger<ErroredSendProcessor>.Instance);
        return await processor.ProcessAsync(envelope, dequeueCount: 1, CancellationToken.None);
    }

    private sealed class Meters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
