namespace ZapiFunctions.Core.Configuration;

/// <summary>The queues a configuration uses: the deliveries queue only when it is on (<see cref="ZapiOptions.DeliveriesQueue"/> not empty).</summary>
public static class ZapiQueues
{
    /// <summary>False when <c>Zapi__DeliveriesQueue</c> is empty: delivered callbacks are acknowledged and not stored.</summary>
    public static bool StoresDeliveries(this ZapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrEmpty(options.DeliveriesQueue);
    }

    /// <summary>The queues the webhook writes: deliveries (when on), then errored sends.</summary>
    public static IReadOnlyList<string> IngestQueues(this ZapiOptions options) =>
        options.StoresDeliveries() ? [options.DeliveriesQueue, options.ErroredSendsQueue] : [options.ErroredSendsQueue];
}
