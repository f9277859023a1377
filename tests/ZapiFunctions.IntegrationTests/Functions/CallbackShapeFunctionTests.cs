using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Functions;

/// <summary>
/// Every callback shape real senders post (samples/callbacks/shapes) through the Functions app's own service
/// configuration, built as <c>Program.cs</c> builds it, against Azurite: <see cref="OnSendFunction"/> or
/// <see cref="InstanceDeliveryFunction"/> called as the worker calls them (the route's <c>instanceId</c> as the
/// function's parameter), then <see cref="ErroredSendFunction"/> with the message that was queued.
/// </summary>
public sealed class CallbackShapeFunctionTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Theory]
    [MemberData(nameof(CallbackShapes.Files), MemberType = typeof(CallbackShapes))]
    public async Task Each_shape_is_queued_with_what_the_reader_found_and_processed_into_its_ledger_row(string sample)
    {
        var shape = CallbackShapes.For(sample);
        using var host = BuildApp();
        var before = DateTimeOffset.UtcNow;

        var (status, body) = await PostAsync(host, shape);

        var after = DateTimeOffset.UtcNow;
        Assert.True(status == StatusCodes.Status200OK, $"{status}: {body}");
        using (var accepted = JsonDocument.Parse(body))
        {
            Assert.Equal("enqueued", accepted.RootElement.GetProperty("status").GetString());
        }

        QueueMessage message = Assert.Single((await _azurite.Queue("zapi-errored-sends").ReceiveMessagesAsync(32)).Value);
        var envelope = EnvelopeReader.Read(message.Body);
        Assert.Equal(shape.PathInstanceId, envelope.PathInstanceId);
        Assert.Equal(shape.MissingFields, envelope.MissingFields ?? []);
        Assert.Equal(shape.OddFields, envelope.OddFields ?? []);
        Assert.InRange(envelope.ReceivedAt, before, after);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<ErroredSendFunction>(scope.ServiceProvider).RunAsync(message, CancellationToken.None);
        }

        var table = new TableClient(_azurite.ConnectionString, "ZapiErroredSends");
        var found = await table.GetEntityIfExistsAsync<TableEntity>(shape.PartitionKey, shape.RowKey);
        Assert.True(found.HasValue, $"no ledger row ({shape.PartitionKey}, {shape.RowKey}) for {sample}");
        var row = found.Value!;
        Assert.Equal(1, row.GetInt32("Occurrences"));
        Assert.Equal(shape.CustomId, row.GetString("CustomId"));
        Assert.Equal(shape.PathInstanceId, row.GetString("PathInstanceId"));
        Assert.Equal(CallbackShape.Phone, row.GetString("Phone"));
        Assert.Equal(shape.Momment ?? envelope.ReceivedAt.ToUnixTimeMilliseconds(), row.GetInt64("Momment"));
    }

    /// <summary>The request as the worker's ASP.NET Core integration hands it to the function, and what it answered.</summary>
    private static async Task<(int Status, string Body)> PostAsync(IHost host, CallbackShape shape)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var body = Encoding.UTF8.GetBytes(shape.Body());
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        var response = new MemoryStream();
        context.Response.Body = response;

        var result = shape.PathInstanceId is { } instanceId
            ? await ActivatorUtilities.CreateInstance<InstanceDeliveryFunction>(scope.ServiceProvider)
                .RunAsync(context.Request, instanceId, CancellationToken.None)
            : await ActivatorUtilities.CreateInstance<OnSendFunction>(scope.ServiceProvider)
                .RunAsync(context.Request, CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    private IHost BuildApp()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = _azurite.ConnectionString });
        var host = ZapiFunctionsApp.Configure(builder).Build();
        Assert.Empty(StartupProblems.Find(host.Services));
        return host;
    }
}
