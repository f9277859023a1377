using System.Text.RegularExpressions;
using ZapiFunctions.Testing;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// Azurite, a <see cref="TcpProxy"/> between the DevHost and Azurite's queue service (with a <see cref="QueueLeases"/>
/// tap on zapi-errored-sends), a real notify endpoint, and DevHost processes started against them: what the fault and
/// restart tests share. Settles by polling with deadlines; reads the outcome from the table and the endpoint.
/// </summary>
public sealed partial class ErroredSendsWorld : IAsyncDisposable
{
    private ErroredSendsWorld(Azurite azurite, NotifyRecorder notify)
    {
        Azurite = azurite;
        Notify = notify;
        Proxy = new TcpProxy(azurite.QueuePort, Leases.Observe);
    }

    public Azurite Azurite { get; }

    public NotifyRecorder Notify { get; }

    public QueueLeases Leases { get; } = new(Storage.ErroredSends);

    public TcpProxy Proxy { get; }

    public DevHostProcess? DevHost { get; private set; }

    public static async Task<ErroredSendsWorld> StartAsync()
    {
        var azurite = await Azurite.StartAsync();
        var notify = await NotifyRecorder.StartAsync();
        return new ErroredSendsWorld(azurite, notify);
    }

    /// <summary>Starts a DevHost whose queue traffic goes through the proxy and which notifies the endpoint.</summary>
    public async Task<DevHostProcess> StartDevHostAsync()
    {
        DevHost = await DevHostProcess.StartAsync(Azurite, new DevHostStart
        {
            Environment = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = Azurite.WithQueuePort(Proxy.Port),
                ["Zapi__NotifyUrl"] = Notify.Url.ToString(),
            },
        });
        return DevHost;
    }

    /// <summary>Kills the DevHost (SIGKILL: no shutdown, no settling of the batch in hand).</summary>
    public async Task KillDevHostAsync()
    {
        if (DevHost is { } devHost)
        {
            DevHost = null;
            await devHost.DisposeAsync();
        }
    }

    /// <summary>Queue message ids the DevHost said it could not delete or release (they come back when their lease ends).</summary>
    public IReadOnlySet<string> Unsettled() =>
        (DevHost?.Output ?? []).Select(line => UnsettledLine().Match(line)).Where(m => m.Success)
            .Select(m => m.Groups["id"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The table's rows by messageId (Occurrences, notified or not), and how many rows there are in all.</summary>
    public async Task<(int Rows, IReadOnlyDictionary<string, (int Occurrences, bool Notified)> ByMessageId)> RowsAsync()
    {
        var rows = await Storage.RowsAsync(Azurite);
        var byId = rows
            .GroupBy(r => r.GetString("MessageId"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.Sum(r => r.GetInt32("Occurrences") ?? 0), g.All(r => r.GetDateTimeOffset("NotifiedAt") is not null)), StringComparer.Ordinal);
        return (rows.Count, byId);
    }

    /// <summary>
    /// Waits until every expected messageId has its row with the expected occurrences, notified, and the errored-sends
    /// queue is empty; meanwhile (if asked) ends the lease of any message the DevHost could not settle, as its expiry
    /// would. Returns how many leases it ended.
    /// </summary>
    public async Task<int> SettleAsync(IReadOnlyDictionary<string, int> expected, TimeSpan deadline, bool expireUnsettled)
    {
        var expired = 0;
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var queue = Azurite.Queue(Storage.ErroredSends);
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    if (expireUnsettled)
                    {
                        // Each unsettled message once: after that it is received (and held) again, as a redelivery.
                        var fresh = Unsettled().Where(handled.Add).ToList();
                        expired += await Leases.ExpireAsync(queue, fresh);
                    }

                    var (_, rows) = await RowsAsync();
                    var done = expected.All(e => rows.TryGetValue(e.Key, out var row) && row.Occurrences >= e.Value && row.Notified);
                    return done && await Storage.CountAsync(queue) == 0;
                },
                done => done,
                deadline,
                "every errored send recorded and notified, and the queue empty");
        }
        catch (TimeoutException ex)
        {
            var (count, rows) = await RowsAsync();
            throw new TimeoutException(
                $"{ex.Message} Rows {count}, expected {expected.Count}; not recorded: {expected.Keys.Count(k => !rows.ContainsKey(k))}; " +
                $"not notified: {rows.Count(r => !r.Value.Notified)}; short: {expected.Count(e => rows.TryGetValue(e.Key, out var r) && r.Occurrences < e.Value)}; " +
                $"queue: {await Storage.CountAsync(queue)}; unsettled: {Unsettled().Count}; held: {Leases.Held().Count}; expired: {expired}; " +
                $"received: {Leases.Received}; DevHost said: {string.Join(" | ", DevHost?.Output.TakeLast(15) ?? [])}",
                ex);
        }

        return expired;
    }

    public async ValueTask DisposeAsync()
    {
        await KillDevHostAsync();
        await Proxy.DisposeAsync();
        await Notify.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    [GeneratedRegex(@"Could not settle message (?<id>\S+) on zapi-errored-sends ")]
    private static partial Regex UnsettledLine();
}
