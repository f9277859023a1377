using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Core.Health;

/// <summary>
/// Readiness: both ingest queues answer (<c>GetProperties</c> on <see cref="ZapiOptions.DeliveriesQueue"/>, unless it
/// is off, and <see cref="ZapiOptions.ErroredSendsQueue"/>) within <see cref="Timeout"/>. Unhealthy names the queue and the
/// storage error's first line; Degraded when storage answers but a queue does not exist yet (the writer creates
/// it on first use). Never reports a connection string, key or signature.
/// </summary>
public sealed class QueueReadinessCheck : IHealthCheck
{
    /// <summary>The check's name in health reports.</summary>
    public const string Name = "queues";

    /// <summary>The default bound on one check, so a hung storage endpoint cannot hang the probe.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly QueueServiceClient _service;
    private readonly ZapiOptions _options;

    /// <summary>Creates the check with <see cref="DefaultTimeout"/>.</summary>
    public QueueReadinessCheck(QueueServiceClient service, IOptions<ZapiOptions> options)
        : this(service, options, DefaultTimeout)
    {
    }

    /// <summary>Creates the check with its own bound.</summary>
    public QueueReadinessCheck(QueueServiceClient service, IOptions<ZapiOptions> options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _options = options.Value;
        Timeout = timeout;
    }

    /// <summary>The longest the whole check may take.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var queues = _options.IngestQueues();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var probes = await Task.WhenAll(queues.Select(queue => ProbeAsync(queue, timeout.Token, cancellationToken)));

        // One reason per distinct error, naming the queues it hit: "queues a, b: Connection refused (…)".
        var unreachable = probes.Where(p => p.Status == HealthStatus.Unhealthy).ToList();
        if (unreachable.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", unreachable
                .GroupBy(p => p.Problem, StringComparer.Ordinal)
                .Select(g => $"{(g.Count() == 1 ? "queue" : "queues")} {string.Join(", ", g.Select(p => p.Queue))}: {g.Key}")));
        }

        var missing = probes.Where(p => p.Status == HealthStatus.Degraded).Select(p => p.Queue).ToList();
        return missing.Count > 0
            ? HealthCheckResult.Degraded(missing.Count == 1
                ? $"storage answers but queue {missing[0]} does not exist yet; it is created on first write"
                : $"storage answers but queues {string.Join(", ", missing)} do not exist yet; they are created on first write")
            : HealthCheckResult.Healthy($"queues {string.Join(", ", queues)} are reachable");
    }

    private async Task<QueueProbe> ProbeAsync(string queue, CancellationToken bounded, CancellationToken caller)
    {
        try
        {
            await _service.GetQueueClient(queue).GetPropertiesAsync(bounded);
            return new QueueProbe(queue, HealthStatus.Healthy, string.Empty);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new QueueProbe(queue, HealthStatus.Degraded, string.Empty);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            return new QueueProbe(queue, HealthStatus.Unhealthy, $"storage did not answer within {Timeout.TotalSeconds:0.#} s");
        }
#pragma warning disable CA1031 // Any failure to reach the queue is the answer this check exists to give.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new QueueProbe(queue, HealthStatus.Unhealthy, StorageFailure.Describe(ex));
        }
    }

    private sealed record QueueProbe(string Queue, HealthStatus Status, string Problem);
}
