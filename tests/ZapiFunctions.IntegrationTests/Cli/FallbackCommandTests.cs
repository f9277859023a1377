using System.Text;
using System.Text.Json.Nodes;
using ZapiFunctions.Cli;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.IntegrationTests.Cli.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Cli;

/// <summary><c>zapi fallback drain</c> between two Azurites, the primary and the fallback account.</summary>
public sealed class FallbackCommandTests(TwoAccounts accounts) : IClassFixture<TwoAccounts>, IDisposable
{
    private readonly string _settings = Path.Combine(Path.GetTempPath(), $"zapi-cli-fallback-{Guid.NewGuid():N}.json");

    // Each test has its own queues, so the shared emulators need no cleaning between tests.
    private readonly string _deliveries = "dl-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _errored = "er-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => File.Delete(_settings);

    [Fact]
    public async Task Drain_moves_every_message_back_prints_the_counts_and_a_second_run_moves_nothing()
    {
        Write(fallback: accounts.Fallback.ConnectionString);
        await PutOnFallbackAsync(_deliveries, 3);
        await PutOnFallbackAsync(_errored, 2);

        var (code, output, error) = await Run("fallback", "drain");
        var (againCode, again, _) = await Run("fallback", "drain");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Equal(
            [
                "queue            moved",
                "---------------  -----",
                $"{_deliveries}  3",
                $"{_errored}  2",
                "Moved 5 message(s) from ZapiFallbackStorage to AzureWebJobsStorage.",
            ],
            Lines(output));
        Assert.Equal(0, againCode);
        Assert.EndsWith("Moved 0 message(s) from ZapiFallbackStorage to AzureWebJobsStorage.", again.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(3, (await accounts.Primary.Queue(_deliveries).PeekMessagesAsync(32)).Value.Length);
        Assert.Equal(2, (await accounts.Primary.Queue(_errored).PeekMessagesAsync(32)).Value.Length);
        Assert.Empty((await accounts.Fallback.Queue(_deliveries).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Drain_moves_envelopes_of_every_callback_shape_unchanged_the_per_instance_id_included()
    {
        Write(fallback: accounts.Fallback.ConnectionString);
        var minimal = AppPipeline.Envelope(AppPipeline.Sample("shapes/minimal"), DateTimeOffset.UtcNow, "req-min");
        var perInstance = AppPipeline.Envelope(
            AppPipeline.Sample("shapes/per-instance"), DateTimeOffset.UtcNow, "req-pi", "3C67AB641C8AA0412F6A2242B4E23AC7");
        var fallback = accounts.Fallback.Queue(_errored);
        await fallback.CreateIfNotExistsAsync();
        await fallback.SendMessageAsync(minimal);
        await fallback.SendMessageAsync(perInstance);

        var (code, _, error) = await Run("fallback", "drain");

        Assert.Equal((0, string.Empty), (code, error));
        var moved = (await accounts.Primary.Queue(_errored).PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { minimal.ToString(), perInstance.ToString() }.Order(StringComparer.Ordinal), moved);
        Assert.Equal("3C67AB641C8AA0412F6A2242B4E23AC7", EnvelopeReader.Read(BinaryData.FromString(moved.Single(b => b.Contains("req-pi", StringComparison.Ordinal)))).PathInstanceId);
    }

    [Fact]
    public async Task Dry_run_counts_what_the_fallback_holds_and_moves_nothing()
    {
        Write(fallback: accounts.Fallback.ConnectionString);
        await PutOnFallbackAsync(_deliveries, 4);

        var (code, output, error) = await Run("fallback", "drain", "--dry-run");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Equal(
            [
                "queue            on the fallback (approx.)",
                "---------------  -------------------------",
                $"{_deliveries}  4",
                $"{_errored}  0",
                "Dry run: would move about 4 message(s) from ZapiFallbackStorage to AzureWebJobsStorage; nothing was moved.",
            ],
            Lines(output));
        Assert.Equal(4, (await accounts.Fallback.Queue(_deliveries).PeekMessagesAsync(32)).Value.Length);
        Assert.False((await accounts.Primary.Queue(_deliveries).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Without_ZapiFallbackStorage_it_says_what_to_set_in_one_line()
    {
        Write(fallback: null);

        var (code, output, error) = await Run("fallback", "drain");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ZapiFallbackStorage is not set, so there is no fallback storage to read", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_ZapiFallbackStorage_is_one_line_naming_it_without_printing_its_key()
    {
        Write(fallback: "AccountName=zapifallback;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;QueueEndpoint=::");

        var (code, _, error) = await Run("fallback", "drain", "--dry-run");

        Assert.Equal(2, code);
        Assert.StartsWith("error: ZapiFallbackStorage is not a usable storage connection string (value not shown", Assert.Single(Lines(error)), StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error, StringComparison.Ordinal);
    }

    private Task<(int, string, string)> Run(params string[] args) => ZapiTool.RunAsync(null, [.. args, "--settings", _settings]);

    private void Write(string? fallback)
    {
        var values = new JsonObject
        {
            ["AzureWebJobsStorage"] = accounts.Primary.ConnectionString,
            ["Zapi__DeliveriesQueue"] = _deliveries,
            ["Zapi__ErroredSendsQueue"] = _errored,
        };
        if (fallback is not null)
        {
            values["ZapiFallbackStorage"] = fallback;
        }

        File.WriteAllText(_settings, new JsonObject { ["Values"] = values }.ToJsonString());
    }

    private async Task PutOnFallbackAsync(string queue, int count)
    {
        var client = accounts.Fallback.Queue(queue);
        await client.CreateIfNotExistsAsync();
        for (var i = 0; i < count; i++)
        {
            await client.SendMessageAsync(EnvelopeWriter.Write(DateTimeOffset.UtcNow, $"req-{i}", null, Encoding.UTF8.GetBytes(
                $$"""{"phone":"5511987654321","zaapId":"Z","messageId":"M-{{i}}","instanceId":"inst-a","momment":1,"type":"DeliveryCallback"}""")));
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
