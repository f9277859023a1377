using System.Diagnostics;
using System.Net.Http.Headers;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>What one request got: its status (0: no answer), whether a 503 said when to retry, and how long it took.</summary>
public sealed record Outcome(string MessageId, int Status, bool RetryAfter, string? ContentType, TimeSpan Latency, long StartedAt, string? Failure)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>Posts callbacks to the DevHost over real HTTP at a fixed concurrency; every request ends by itself (timeout).</summary>
public static class Load
{
    public static readonly Uri OnSend = new("/api/zapi/on-send", UriKind.Relative);

    /// <summary>An HTTP/1.1 client with up to <paramref name="connections"/> connections and a generous per-request timeout.</summary>
    public static HttpClient Client(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(90), // beyond the longest enqueue deadline (Zapi__EnqueueTimeout, 1 min at most)
        };

    /// <summary>
    /// Sends every request once, <paramref name="concurrency"/> at a time; <paramref name="completed"/> is told the
    /// number of requests answered so far after each one.
    /// </summary>
    public static async Task<Outcome[]> PostAllAsync(
        HttpClient client, IReadOnlyList<(string MessageId, byte[] Body)> requests, int concurrency, Action<int>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(requests);
        var outcomes = new Outcome[requests.Count];
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requests.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (i, _) =>
            {
                outcomes[i] = await PostAsync(client, requests[i].MessageId, requests[i].Body);
                completed?.Invoke(Interlocked.Increment(ref done));
            });
        return outcomes;
    }

    public static async Task<Outcome> PostAsync(HttpClient client, string messageId, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.PostAsync(OnSend, content);
            _ = await response.Content.ReadAsByteArrayAsync();
            return new Outcome(
                messageId, (int)response.StatusCode, response.Headers.RetryAfter is not null,
                response.Content.Headers.ContentType?.MediaType, Stopwatch.GetElapsedTime(started), started, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(messageId, 0, false, null, Stopwatch.GetElapsedTime(started), started, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>The <paramref name="percentile"/> (0–100) of the latencies, in milliseconds.</summary>
    public static double LatencyMs(IEnumerable<Outcome> outcomes, double percentile)
    {
        var sorted = outcomes.Select(o => o.Latency.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
