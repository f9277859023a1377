using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using ZapiFunctions.Testing;

namespace ZapiFunctions.EndToEndTests;

/// <summary>
/// Every callback shape real senders post (samples/callbacks/shapes), over real HTTP to the DevHost at the URL the
/// sample is meant for, through its queue listener to the errored-sends ledger in Azurite.
/// </summary>
public sealed class DevHostCallbackShapesEndToEndTests : DevHostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(CallbackShapes.Files), MemberType = typeof(CallbackShapes))]
    public async Task Each_shape_is_accepted_and_processed_into_its_ledger_row(string sample)
    {
        var shape = CallbackShapes.For(sample);
        var before = DateTimeOffset.UtcNow;

        using var response = await DevHost.PostCallbackAsync(shape.Body(), shape.Path);
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("enqueued", (await response.Content.ReadFromJsonAsync<Accepted>())!.Status);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked); // sent whole, with its length
        Assert.NotNull(response.Content.Headers.ContentLength);
        var row = await Poll.UntilAsync(() => Row(shape.PartitionKey, shape.RowKey), r => r is not null, Deadline, $"the ledger row of {sample}");
        Assert.Equal(1, row!.GetInt32("Occurrences"));
        Assert.Equal(shape.CustomId, row.GetString("CustomId"));
        Assert.Equal(shape.PathInstanceId, row.GetString("PathInstanceId"));
        Assert.Equal(CallbackShape.Phone, row.GetString("Phone"));
        var (earliest, latest) = shape.Momment is { } sent
            ? (sent, sent)
            : (before.ToUnixTimeMilliseconds(), after.ToUnixTimeMilliseconds());
        Assert.InRange(row.GetInt64("Momment")!.Value, earliest, latest);
    }

    [Fact]
    public async Task A_per_instance_post_whose_body_names_another_instance_is_a_warning_naming_both()
    {
        var shape = CallbackShapes.For("per-instance-mismatch.json");

        using var response = await DevHost.PostCallbackAsync(shape.Body(), shape.Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<Accepted>())!.RequestId;
        // By its event id: the sample is an errored send, so the processor's own warning (3001) may carry the same
        // request id by the time the mismatch line is read.
        static bool Mismatch(string line, string id) =>
            line.StartsWith("warn:", StringComparison.Ordinal) && line.Contains("[2006]", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal);
        var output = await DevHost.OutputUntilAsync(line => Mismatch(line, requestId), "the mismatch warning");
        var warning = Assert.Single(output, line => Mismatch(line, requestId));
        Assert.Contains(CallbackShapes.PerInstanceId, warning, StringComparison.Ordinal);
        Assert.Contains(shape.PartitionKey, warning, StringComparison.Ordinal);
    }

    private async Task<TableEntity?> Row(string partitionKey, string rowKey)
    {
        var table = new TableClient(Azurite.ConnectionString, "ZapiErroredSends");
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        return row.HasValue ? row.Value : null;
    }

    private sealed record Accepted(string Status, string RequestId);
}
