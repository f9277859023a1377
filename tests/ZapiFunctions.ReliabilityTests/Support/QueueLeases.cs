using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Queues;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// Which messages of one queue a process holds (received, not yet deleted or released), read from its storage
/// traffic through a <see cref="TcpProxy"/> tap: the pop receipts of Get Messages answers, minus the messages of
/// Delete and Update Message requests that were answered (one cut off before its answer left the message held). A
/// message held by a process that died, or whose delete failed, comes back only when its lease (visibility timeout)
/// ends; the DevHost leases for 5 minutes, longer than a test should wait, so <see cref="ExpireAsync"/> ends those leases now with the receipts seen, exactly as their expiry would: the same
/// message, visible again, its dequeue count going up on the next receive.
/// </summary>
public sealed partial class QueueLeases(string queueName)
{
    private const int MaxBuffered = 1 << 20;

    private readonly object _gate = new();
    private readonly Dictionary<(long Connection, bool ToTarget), StringBuilder> _streams = [];
    private readonly Dictionary<long, (Call Kind, string? Id)> _pending = [];
    private readonly Dictionary<long, (Call Kind, string? Id)> _current = [];
    private readonly Dictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private int _received;
    private int _notHeld;
    private int _gone;

    /// <summary>Messages <see cref="ExpireAsync"/> was asked about that were not held (their delete was answered).</summary>
    public int NotHeld => Volatile.Read(ref _notHeld);

    /// <summary>Messages whose receipt the queue no longer knew when <see cref="ExpireAsync"/> tried it.</summary>
    public int Gone => Volatile.Read(ref _gone);

    /// <summary>Messages received so far (receives, not distinct messages).</summary>
    public int Received
    {
        get
        {
            lock (_gate)
            {
                return _received;
            }
        }
    }

    /// <summary>Pass to <see cref="TcpProxy"/> as its tap.</summary>
    public void Observe(long connection, bool toTarget, ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        lock (_gate)
        {
            if (!_streams.TryGetValue((connection, toTarget), out var buffer))
            {
                buffer = _streams[(connection, toTarget)] = new StringBuilder();
            }

            buffer.Append(text);
            var consumed = toTarget ? ReadRequests(connection, buffer.ToString()) : ReadResponses(connection, buffer.ToString());
            buffer.Remove(0, consumed);
            if (buffer.Length > MaxBuffered)
            {
                buffer.Remove(0, buffer.Length - (MaxBuffered / 2));
            }
        }
    }

    /// <summary>The held messages: message id → the pop receipt of its last receive.</summary>
    public IReadOnlyDictionary<string, string> Held()
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(_held, StringComparer.Ordinal);
        }
    }

    /// <summary>The bodies of the held messages (decoded from the wire's Base64, as the app wrote them).</summary>
    public IReadOnlyList<BinaryData> HeldBodies()
    {
        lock (_gate)
        {
            return _held.Keys.Select(id => new BinaryData(Convert.FromBase64String(_texts[id]))).ToList();
        }
    }

    /// <summary>
    /// Ends the lease of each of <paramref name="messageIds"/> (or of every held message) now. Returns how many were
    /// made visible again; a receipt that no longer matches (the message was deleted or received again since) is
    /// skipped, as the queue itself would.
    /// </summary>
    public async Task<int> ExpireAsync(QueueClient queue, IEnumerable<string>? messageIds = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var held = Held();
        var expired = 0;
        foreach (var id in messageIds ?? held.Keys)
        {
            if (!held.TryGetValue(id, out var receipt))
            {
                Interlocked.Increment(ref _notHeld);
                continue;
            }

            try
            {
                await queue.UpdateMessageAsync(id, receipt, visibilityTimeout: TimeSpan.Zero);
                expired++;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 400)
            {
                // Deleted, or received again with a new receipt: not held any more.
                Interlocked.Increment(ref _gone);
            }

            lock (_gate)
            {
                _held.Remove(id);
            }
        }

        return expired;
    }

    private int ReadRequests(long connection, string text)
    {
        var consumed = 0;
        foreach (Match match in RequestLine().Matches(text))
        {
            consumed = match.Index + match.Length;
            var ours = string.Equals(match.Groups["queue"].Value, queueName, StringComparison.Ordinal);
            var id = match.Groups["id"].Value;
            _pending[connection] = match.Groups["method"].Value switch
            {
                "GET" when ours && id.Length == 0 && !match.Groups["query"].Value.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase)
                    => (Call.Receive, null),
                "DELETE" or "PUT" when ours && id.Length > 0 => (Call.Settle, id),
                _ => (Call.Other, null),
            };
        }

        return consumed;
    }

    private int ReadResponses(long connection, string text)
    {
        var consumed = 0;
        foreach (Match match in ResponsePart().Matches(text))
        {
            consumed = match.Index + match.Length;
            if (match.Groups["status"].Success)
            {
                // One request at a time per connection (HTTP/1.1, no pipelining): this answers the last one sent.
                var call = _current[connection] = _pending.GetValueOrDefault(connection, (Call.Other, null));
                var status = int.Parse(match.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);

                // Deleted or released (2xx), or that receipt no longer holds it (404/400). A request cut off before
                // its answer leaves the message held, as it is.
                if (call.Kind == Call.Settle && status is (>= 200 and < 300) or 404 or 400)
                {
                    _held.Remove(call.Id!);
                }
            }
            else if (_current.GetValueOrDefault(connection).Kind == Call.Receive)
            {
                _held[match.Groups["id"].Value] = match.Groups["receipt"].Value;
                _texts[match.Groups["id"].Value] = match.Groups["text"].Value;
                _received++;
            }
        }

        return consumed;
    }

    private enum Call
    {
        Other,
        Receive,
        Settle,
    }

    [GeneratedRegex(@"(?<method>GET|DELETE|PUT|POST|HEAD) /[^/\s]+/(?<queue>[a-z0-9-]+)/messages(?:/(?<id>[^?\s/]+))?(?<query>\?\S*)? HTTP/1\.1\r\n")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"HTTP/1\.1 (?<status>\d{3}) |<QueueMessage>\s*<MessageId>(?<id>[^<]+)</MessageId>.*?<PopReceipt>(?<receipt>[^<]+)</PopReceipt>.*?<MessageText>(?<text>[^<]*)</MessageText>.*?</QueueMessage>", RegexOptions.Singleline)]
    private static partial Regex ResponsePart();
}
