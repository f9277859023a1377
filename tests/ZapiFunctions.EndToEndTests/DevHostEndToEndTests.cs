using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>Azurite and the DevHost as real processes, driven over real HTTP, as a developer runs them.</summary>
public sealed class DevHostEndToEndTests : DevHostTests
{
    private const string ProblemPrefix = "urn:zapi-functions:problem:";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string Samples = Path.Combine(RepositoryRoot.Path, "samples", "callbacks");

    /// <summary>The refusal each sample in samples/callbacks/invalid must get: its status and problem kind.</summary>
    private static readonly Dictionary<string, (HttpStatusCode Status, string Kind)> Refusals = new(StringComparer.Ordinal)
    {
        ["field-given-twice.json"] = (HttpStatusCode.BadRequest, "ambiguous-field"),
        ["malformed.json"] = (HttpStatusCode.BadRequest, "malformed-json"),
        ["no-identifier.json"] = (HttpStatusCode.BadRequest, "missing-field"),
        ["received-callback-type.json"] = (HttpStatusCode.UnprocessableEntity, "unexpected-callback-type"),
    };

    /// <summary>Every file in samples/callbacks/invalid, so a new one is tested as soon as it is added.</summary>
    public static TheoryData<string> InvalidSamples
    {
        get
        {
            var samples = new TheoryData<string>();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Samples, "invalid"), "*.json").Order(StringComparer.Ordinal))
            {
                samples.Add(Path.GetFileName(file));
            }

            return samples;
        }
    }

    [Fact]
    public async Task A_successful_callback_lands_in_the_deliveries_queue()
    {
        var body = await File.ReadAllTextAsync(Path.Combine(Samples, "delivered.json"));

        using var response = await DevHost.PostCallbackAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single((await Azurite.Queue("zapi-deliveries").ReceiveMessagesAsync(32)).Value);
        Assert.Equal(body.TrimEnd(), EnvelopeReader.Read(message.Body).Callback.GetRawText());
    }

    [Fact]
    public async Task An_errored_callback_ends_as_a_row_in_the_errored_sends_table()
    {
        var body = await File.ReadAllTextAsync(Path.Combine(Samples, "errors", "47-shadow-ban-with-error-code.json"));

        using var response = await DevHost.PostCallbackAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await Poll.UntilAsync(
            () => Row("3C67AB641C8AA0412F6A2242B4E23AC7", "3EB0F1C2D3E4F5A60047"), r => r is not null, Deadline, "the errored-send row");
        Assert.Equal("temporary-restriction", row!.GetString("Category"));
        Assert.Equal("SHADOW_BAN", row.GetString("ErrorCode"));
        Assert.Equal(1, row.GetInt32("Occurrences"));
    }

    [Fact]
    public async Task A_message_that_can_never_be_processed_is_tried_max_dequeue_count_times_then_kept_as_a_dead_letter()
    {
        await Azurite.Queue("zapi-errored-sends").SendMessageAsync("this is not an envelope");
        var table = new TableClient(Azurite.ConnectionString, "ZapiDeadLetters");

        var rows = await Poll.UntilAsync(
            async () => await table.QueryAsync<TableEntity>(r => r.PartitionKey == "zapi-errored-sends").ToListAsync(),
            found => found.Count > 0,
            Deadline,
            "the dead-letters row");

        Assert.Equal("this is not an envelope", Assert.Single(rows).GetString("Envelope"));
        var output = await DevHost.OutputUntilAsync(
            line => line.Contains("(not an envelope)", StringComparison.Ordinal) && line.Contains("failed every try", StringComparison.Ordinal), "the dead-letter line");
        Assert.Equal(DevHost.MaxDequeueCount, output.Count(line => line.Contains("failed (try ", StringComparison.Ordinal)));
        Assert.Equal(0, (await Azurite.Queue("zapi-errored-sends").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public async Task A_refused_callback_gets_its_4xx_problem_at_either_url_and_nothing_is_enqueued(string sample)
    {
        Assert.True(Refusals.TryGetValue(sample, out var expected), $"samples/callbacks/invalid/{sample}: add the refusal it must get to {nameof(Refusals)}");
        var body = await File.ReadAllTextAsync(Path.Combine(Samples, "invalid", sample));
        string[] paths = ["/api/zapi/on-send", $"/api/instance/{CallbackShapes.PerInstanceId}/delivery"];

        var answers = new List<(string Path, HttpStatusCode Status, string? MediaType, string? Type)>();
        foreach (var path in paths)
        {
            using var response = await DevHost.PostCallbackAsync(body, path);
            answers.Add((path, response.StatusCode, response.Content.Headers.ContentType?.MediaType, await ProblemTypeAsync(response)));
        }

        Assert.Equal<(string, HttpStatusCode, string?, string?)>(
            paths.Select(p => (p, expected.Status, (string?)"application/problem+json", (string?)(ProblemPrefix + expected.Kind))), answers);
        await AssertNothingEnqueuedAsync();
    }

    [Fact]
    public async Task A_50000_byte_callback_is_413_payload_too_large_and_not_503_with_the_default_settings()
    {
        var body = Padded(await File.ReadAllTextAsync(Path.Combine(Samples, "errors", "10-phone-number-does-not-exist.json")), 50_000);
        Assert.Equal(50_000, Encoding.UTF8.GetByteCount(body));

        using var response = await DevHost.PostCallbackAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemPrefix + "payload-too-large", await ProblemTypeAsync(response));
        await AssertNothingEnqueuedAsync();
    }

    [Fact]
    public async Task Storage_down_is_503_and_a_restart_recovers_without_restarting_the_devhost()
    {
        var delivered = await File.ReadAllTextAsync(Path.Combine(Samples, "delivered.json"));
        var errored = await File.ReadAllTextAsync(Path.Combine(Samples, "errors", "10-phone-number-does-not-exist.json"));
        await Azurite.StopAsync();

        using var during = await DevHost.PostCallbackAsync(delivered);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);

        await Azurite.StartAgainAsync();
        using var after = await DevHost.PostCallbackAsync(delivered);
        using var afterErrored = await DevHost.PostCallbackAsync(errored);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterErrored.StatusCode);
        Assert.Single((await Azurite.Queue("zapi-deliveries").PeekMessagesAsync(32)).Value);
        var row = await Poll.UntilAsync(
            () => Row("3C67AB641C8AA0412F6A2242B4E23AC7", "3EB0F1C2D3E4F5A60010"), r => r is not null, Deadline,
            "the errored-send row after the restart");
        Assert.Equal("invalid-number", row!.GetString("Category"));
    }

    [Fact]
    public async Task Readiness_is_503_naming_the_queue_while_storage_is_down_and_200_again_once_it_is_back()
    {
        var before = await ProbeAsync("/api/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal("Healthy", before.Body.GetProperty("status").GetString());
        Assert.Equal("queues", before.Body.GetProperty("checks")[0].GetProperty("name").GetString());

        await Azurite.StopAsync();
        var down = await Poll.UntilAsync(
            () => ProbeAsync("/api/healthz/ready"), p => p.Status == HttpStatusCode.ServiceUnavailable, Deadline, "readiness to fail");

        Assert.Equal("Unhealthy", down.Body.GetProperty("status").GetString());
        var check = Assert.Single(down.Body.GetProperty("checks").EnumerateArray());
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        var reason = check.GetProperty("description").GetString()!;
        Assert.Contains("zapi-deliveries", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry failed", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Azurite.ConnectionString.Split("AccountKey=")[1][..12], reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync("/api/healthz/live")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync("/healthz")).Status);

        await Azurite.StartAgainAsync();
        var after = await Poll.UntilAsync(
            () => ProbeAsync("/api/healthz/ready"), p => p.Status == HttpStatusCode.OK, Deadline, "readiness to recover");

        Assert.NotEqual("Unhealthy", after.Body.GetProperty("status").GetString());
    }

    /// <summary>A valid callback grown to <paramref name="bytes"/> bytes by an unknown field, which the reader keeps.</summary>
    private static string Padded(string callback, int bytes)
    {
        const string Open = "{\"padding\":\"";
        const string Close = "\",";
        var padding = bytes - Encoding.UTF8.GetByteCount(callback) - Open.Length - Close.Length + 1;
        return Open + new string('x', padding) + Close + callback.TrimStart()[1..];
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("type").GetString();
    }

    private async Task AssertNothingEnqueuedAsync()
    {
        foreach (var queue in new[] { "zapi-deliveries", "zapi-errored-sends" })
        {
            Assert.Equal(0, (await Azurite.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ProbeAsync(string path)
    {
        using var response = await DevHost.Client.GetAsync(new Uri(path, UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    private async Task<TableEntity?> Row(string partitionKey, string rowKey)
    {
        var table = new TableClient(Azurite.ConnectionString, "ZapiErroredSends");
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        return row.HasValue ? row.Value : null;
    }
}
