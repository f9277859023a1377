using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ZapiFunctions.Testing;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>What one load run measured (the warm-up excluded): answers with 200, others, the window, latencies in ms.</summary>
internal sealed record LoadResult(int Completed, int Failed, TimeSpan Window, double P50, double P99)
{
    public double Throughput => Completed / Window.TotalSeconds;
}

/// <summary>
/// The one load generator of every ingest variant: <c>connections</c> workers, each with its own keep-alive HTTP/1.1
/// connection, each posting distinct callbacks (samples/callbacks/delivered.json with a unique messageId) back to
/// back for a warm-up and then a fixed window. Requests completed in the window count; their latencies are the
/// time from sending to reading the whole answer.
/// </summary>
internal static class LoadGenerator
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<LoadResult> RunAsync(Uri url, int connections, TimeSpan warmup, TimeSpan window, Action<TimeSpan>? tick = null, Action? windowStarts = null)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var template = CallbackTemplate();
        var measuring = 0; // 0 warm-up, 1 measuring, 2 stopped
        long counter = 0;
        var latencies = new List<double>[connections];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var windowStart = TimeSpan.Zero;
        var windowEnd = TimeSpan.Zero;

        async Task WorkerAsync(int worker)
        {
            var mine = latencies[worker] = new List<double>(8192);
            while (Volatile.Read(ref measuring) < 2)
            {
                var id = Interlocked.Increment(ref counter);
                using var content = new ByteArrayContent(template.Body(id));
                content.Headers.ContentType = Json;
                var started = clock.ElapsedTicks;
                var ok = false;
                try
                {
                    using var response = await client.PostAsync(url, content);
                    await response.Content.LoadIntoBufferAsync();
                    ok = response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                var ended = clock.ElapsedTicks;
                if (Volatile.Read(ref measuring) == 1)
                {
                    if (ok)
                    {
                        mine.Add((ended - started) * 1000.0 / Stopwatch.Frequency);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }
        }

        var workers = Enumerable.Range(0, connections).Select(i => Task.Run(() => WorkerAsync(i))).ToArray();
        await Task.Delay(warmup);
        windowStarts?.Invoke();
        windowStart = clock.Elapsed;
        Volatile.Write(ref measuring, 1);
        var second = TimeSpan.FromSeconds(1);
        while (clock.Elapsed - windowStart < window)
        {
            var left = window - (clock.Elapsed - windowStart);
            await Task.Delay(left < second ? left : second);
            tick?.Invoke(clock.Elapsed - windowStart);
        }

        Volatile.Write(ref measuring, 2);
        windowEnd = clock.Elapsed;
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, failed, windowEnd - windowStart, Stats.Percentile(all, 50), Stats.Percentile(all, 99));
    }

    /// <summary>The callback every request posts, with a distinct messageId each.</summary>
    public static string CallbackFile => Path.Combine(RepositoryRoot.Path, "samples", "callbacks", "delivered.json");

    /// <summary>delivered.json with a placeholder messageId of fixed width, replaced per request.</summary>
    private static BodyTemplate CallbackTemplate()
    {
        var sample = JsonNode.Parse(File.ReadAllText(CallbackFile))!.AsObject();
        sample["messageId"] = "@@@@@@@@@@@@@@@@@@@@";
        return new BodyTemplate(Encoding.UTF8.GetBytes(sample.ToJsonString()));
    }

    private sealed class BodyTemplate(byte[] bytes)
    {
        private readonly int _at = bytes.AsSpan().IndexOf("@@@@@@@@@@@@@@@@@@@@"u8);

        public byte[] Body(long id)
        {
            var body = (byte[])bytes.Clone();
            var text = "BENCH" + id.ToString("D15", System.Globalization.CultureInfo.InvariantCulture);
            Encoding.ASCII.GetBytes(text, body.AsSpan(_at, 20));
            return body;
        }
    }
}
