using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Core.Telemetry;

namespace ZapiFunctions.Core.Fallback;

/// <summary>
/// An <see cref="IQueueWriter"/> that writes to the primary storage and, when that fails or does not answer within
/// <see cref="PrimaryBudget"/>, writes the same message (same queue, same bytes, through the same kind of writer) to
/// <c>ZapiFallbackStorage</c>. It throws only when both failed, so the caller answers 503 only then.
/// <para>
/// The caller's deadline (<c>Zapi__EnqueueTimeout</c>, enforced by <see cref="Ingest.OnSendHandler"/> through the
/// cancellation token) is split: the primary gets the first half, the fallback whatever is left of the whole deadline
/// (at least the other half). A primary write cut off at its budget may still have landed; the message is then in both
/// stores, a duplicate that processing tolerates (idempotent by instance and message id), never a loss.
/// </para>
/// <para>
/// Each message stored counts once on <see cref="ZapiTelemetry.CallbacksStored"/> with the tag <c>store</c>
/// (<c>primary</c> or <c>fallback</c>); each fallback write logs one warning with the request id.
/// </para>
/// </summary>
public sealed partial class FallbackQueueWriter : IQueueWriter
{
    private readonly IQueueWriter _primary;
    private readonly IQueueWriter _fallback;
    private readonly TimeProvider _time;
    private readonly ILogger<FallbackQueueWriter> _logger;
    private readonly Counter<long> _stored;

    public FallbackQueueWriter(
        IQueueWriter primary,
        IQueueWriter fallback,
        IOptions<ZapiOptions> options,
        IMeterFactory meterFactory,
        TimeProvider time,
        ILogger<FallbackQueueWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _primary = primary;
        _fallback = fallback;
        _time = time;
        _logger = logger;
        PrimaryBudget = options.Value.EnqueueTimeout / 2;
        _stored = meterFactory.Create(ZapiTelemetry.Name).CreateCounter<long>(
            ZapiTelemetry.CallbacksStored, unit: "{callback}", description: "Callbacks stored, by the store that took them (primary or fallback).");
    }

    /// <summary>How long the primary may take before the fallback is tried: half of <c>Zapi__EnqueueTimeout</c>.</summary>
    public TimeSpan PrimaryBudget { get; }

    /// <inheritdoc />
    public async Task EnqueueAsync(string queueName, BinaryData message, CancellationToken cancellationToken)
    {
        Exception primaryFailure;
        string primaryReason;
        using (var budget = new CancellationTokenSource(PrimaryBudget, _time))
        using (var primaryToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token))
        {
            try
            {
                await _primary.EnqueueAsync(queueName, message, primaryToken.Token);
                Stored(queueName, FallbackStorage.Primary);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever the primary's failure (refused, throttled, no answer within its budget), the fallback may still take it.
                primaryFailure = ex;
                primaryReason = ex is OperationCanceledException && budget.IsCancellationRequested
                    ? string.Create(CultureInfo.InvariantCulture, $"no answer within {PrimaryBudget.TotalSeconds:0.###} s")
                    : StorageFailure.Describe(ex);
            }
        }

        try
        {
            await _fallback.EnqueueAsync(queueName, message, cancellationToken);
        }
        catch (Exception ex)
        {
            var fallbackReason = ex is OperationCanceledException && cancellationToken.IsCancellationRequested
                ? "no answer before the deadline"
                : StorageFailure.Describe(ex);
            throw new FallbackUnavailableException(
                $"Neither the primary storage ({primaryReason}) nor {FallbackStorage.SettingName} ({fallbackReason}) took the message for {queueName}.",
                new AggregateException(primaryFailure, ex));
        }

        Stored(queueName, FallbackStorage.Fallback);
        LogStoredOnFallback(_logger, queueName, primaryReason, RequestIdOf(message));
    }

    /// <summary>Creates the queues on the primary (its failure is the caller's to report) and, best effort, on the fallback.</summary>
    public async Task EnsureQueuesAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken)
    {
        var names = queueNames?.ToList() ?? throw new ArgumentNullException(nameof(queueNames));
        var fallback = EnsureFallbackQueuesAsync(names, cancellationToken);
        try
        {
            await _primary.EnsureQueuesAsync(names, cancellationToken);
        }
        finally
        {
            await fallback;
        }
    }

    private async Task EnsureFallbackQueuesAsync(List<string> names, CancellationToken cancellationToken)
    {
        try
        {
            await _fallback.EnsureQueuesAsync(names, cancellationToken);
        }
#pragma warning disable CA1031 // The fallback's writer creates a missing queue on first use; start-up must not depend on it.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogFallbackQueuesNotReady(_logger, string.Join(", ", names), StorageFailure.Describe(ex));
        }
    }

    private void Stored(string queueName, string store)
    {
        _stored.Add(1, new KeyValuePair<string, object?>(ZapiTelemetry.QueueTag, queueName), new KeyValuePair<string, object?>(ZapiTelemetry.StoreTag, store));
        Activity.Current?.SetTag("zapi.store", store);
    }

    private static string RequestIdOf(BinaryData message)
    {
        try
        {
            return EnvelopeReader.Read(message).RequestId;
        }
        catch (InvalidEnvelopeException)
        {
            return "(not an envelope)";
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "The primary storage did not take a message for {Queue} ({Reason}); ZapiFallbackStorage took it (request {RequestId})")]
    private static partial void LogStoredOnFallback(ILogger logger, string queue, string reason, string requestId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning,
        Message = "Could not create queues {Queues} on ZapiFallbackStorage at start-up ({Reason}); they will be created on first use")]
    private static partial void LogFallbackQueuesNotReady(ILogger logger, string queues, string reason);
}
