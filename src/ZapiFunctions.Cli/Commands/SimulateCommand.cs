using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi simulate</c>: post sample callbacks to an endpoint and summarize the answers.</summary>
internal static class SimulateCommand
{
    private const int ProgressThreshold = 50;
    private const string DefaultAppUrl = "http://127.0.0.1:7071";

    public static Command Create(CliConsole console)
    {
        var url = new Option<string?>("--url") { Description = $"The app's base address (or ZAPI_APP_URL; default {DefaultAppUrl}), e.g. https://func-zapi.azurewebsites.net; the tool adds /api/{IngestRoutes.OnSend}. A URL that already ends in an ingest route is used as it is." };
        var code = new Option<string?>("--code") { Description = "The OnSend function key (or ZAPI_FUNCTION_KEY), sent as ?code=; not needed locally." };
        var sample = new Option<string?>("--sample") { Description = "Embedded sample name or unique prefix (default: delivered). See --list." };
        var file = new Option<FileInfo?>("--file") { Description = "Post this JSON file instead of a sample." };
        var count = new Option<int>("--count") { Description = "Requests to send (default 1). With more than one, messageId and zaapId get a -000001… suffix so each is a distinct send.", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once (default 4, at most 64).", DefaultValueFactory = _ => 4 };
        var list = new Option<bool>("--list") { Description = "List the embedded samples and exit." };
        var instance = new Option<string?>("--instance") { Description = "Set instanceId to this Z-API instance id in every request (for an app with Zapi__AllowedInstanceIds)." };

        var command = new Command("simulate", "Post sample Z-API callbacks to an endpoint; prints status codes and latency percentiles.")
        {
            url, code, sample, file, count, concurrency, list, instance,
        };
        command.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            if (parse.GetValue(list))
            {
                foreach (var name in Samples.Names)
                {
                    await console.Out.WriteLineAsync(name);
                }

                return ExitCodes.Success;
            }

            var endpoint = Endpoint(parse.GetValue(url) ?? console.Environment("ZAPI_APP_URL"), parse.GetValue(code) ?? console.Environment("ZAPI_FUNCTION_KEY"));
            var total = parse.GetValue(count);
            var parallel = parse.GetValue(concurrency);
            if (total < 1 || parallel is < 1 or > 64)
            {
                throw new UsageException("--count must be at least 1 and --concurrency between 1 and 64.");
            }

            var source = parse.GetValue(file) is { } f
                ? (f.Exists ? await File.ReadAllTextAsync(f.FullName, ct) : throw new UsageException($"--file {f.FullName} does not exist."))
                : Samples.Read(parse.GetValue(sample) ?? "delivered");

            if (parse.GetValue(instance) is { } id)
            {
                source = await StampInstance(console, source, id);
            }

            return await RunAsync(console, endpoint, source, total, parallel, ct);
        }));
        return command;
    }

    /// <summary>
    /// The OnSend route under the app's base address, as <c>zapi health</c> reads its base address; a URL already naming
    /// an ingest route (the shared one, or an instance's) is kept, so a URL copied from a deployment's output works too.
    /// </summary>
    internal static Uri Endpoint(string? baseUrl, string? key)
    {
        var address = string.IsNullOrWhiteSpace(baseUrl) ? DefaultAppUrl : baseUrl.Trim();
        if (!Uri.TryCreate(address, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url (or ZAPI_APP_URL) must be the app's absolute http(s):// base address, such as {DefaultAppUrl} (got '{Redact.Url(address)}').");
        }

        var path = parsed.AbsolutePath.TrimEnd('/');
        var builder = new UriBuilder(parsed) { Fragment = string.Empty };
        if (!IsIngestRoute(path))
        {
            builder.Path = path + "/api/" + IngestRoutes.OnSend;
        }

        if (!string.IsNullOrEmpty(key))
        {
            var query = parsed.Query.TrimStart('?');
            builder.Query = (query.Length > 0 ? query + "&" : "") + "code=" + Uri.EscapeDataString(key);
        }

        return builder.Uri;
    }

    private static bool IsIngestRoute(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return path.EndsWith("/api/" + IngestRoutes.OnSend, StringComparison.OrdinalIgnoreCase)
            || segments is [.., "api", "instance", _, "delivery"];
    }

    private static async Task<int> RunAsync(CliConsole console, Uri endpoint, string body, int total, int parallel, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var latencies = new double[total];
        var statuses = new string[total];
        var done = 0;
        var lastShown = 0;
        var progressLock = new object();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
        {
            var payload = total == 1 ? body : Distinct(body, i + 1);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var content = new StringContent(payload, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(endpoint, content, token);
                statuses[i] = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException ex)
            {
                statuses[i] = "error: " + (ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : ex.HttpRequestError.ToString());
            }
            catch (TaskCanceledException) when (!token.IsCancellationRequested)
            {
                statuses[i] = "error: timeout";
            }

            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // Counted under the lock, so the lines come out in order whatever order the requests finish in.
            lock (progressLock)
            {
                var finished = ++done;
                if (total >= ProgressThreshold)
                {
                    // A terminal gets one line redrawn with \r; a pipe or a file, a plain line each quarter.
                    var step = console.ErrorIsTerminal ? finished * 100 / total : finished * 4 / total;
                    if (step != lastShown)
                    {
                        lastShown = step;
                        if (console.ErrorIsTerminal)
                        {
                            console.Error.Write($"\r[{new string('#', step / 5).PadRight(20, '.')}] {finished}/{total}");
                            if (finished == total)
                            {
                                console.Error.WriteLine();
                            }
                        }
                        else if (step > 0)
                        {
                            console.Error.WriteLine($"sent {finished}/{total}");
                        }
                    }
                }
            }
        });

        var elapsed = clock.Elapsed;
        await console.Out.WriteLineAsync($"Sent {total} request(s) to {Redact.Url(endpoint.ToString())} in {elapsed.TotalSeconds:0.00} s ({total / Math.Max(elapsed.TotalSeconds, 0.001):0.0}/s, concurrency {Math.Min(parallel, total)}).");
        TextTable.Write(console.Out, ["status", "count"], statuses.GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key, g.Count().ToString(CultureInfo.InvariantCulture)]));
        Array.Sort(latencies);
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"latency ms: p50 {Percentile(latencies, 50):0.0}  p90 {Percentile(latencies, 90):0.0}  p99 {Percentile(latencies, 99):0.0}  max {latencies[^1]:0.0}"));
        return statuses.All(s => s.StartsWith('2')) ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The body with <c>instanceId</c> set to <paramref name="instance"/>; a body that is not a JSON object is sent as it is.</summary>
    private static async Task<string> StampInstance(CliConsole console, string body, string instance)
    {
        if (AsObject(body) is not { } callback)
        {
            // The invalid/* samples are meant to reach the endpoint broken; rewriting them would hide what they test.
            await console.Error.WriteLineAsync("warning: the body is not a JSON object; sending it without --instance.");
            return body;
        }

        callback["instanceId"] = instance;
        return callback.ToJsonString();
    }

    private static string Distinct(string body, int n)
    {
        if (AsObject(body) is not { } json)
        {
            return body;
        }

        foreach (var field in new[] { "messageId", "zaapId" })
        {
            if (json[field]?.GetValueKind() == JsonValueKind.String)
            {
                json[field] = $"{(string)json[field]!}-{n:D6}";
            }
        }

        return json.ToJsonString();
    }

    /// <summary>The body as a JSON object, or null when it is not one (the invalid/* samples are sent as they are).</summary>
    private static JsonObject? AsObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
