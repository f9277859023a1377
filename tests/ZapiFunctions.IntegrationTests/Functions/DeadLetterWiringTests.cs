using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Functions;

/// <summary>
/// Dead letters in the Functions app, as the worker builds it, against Azurite: a message that failed every try of
/// ErroredSend is what the runtime hands the DeadLetter function, which keeps it in the dead-letters table.
/// </summary>
public sealed class DeadLetterWiringTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task The_dead_letter_function_keeps_a_poison_message_in_the_table_the_setting_names()
    {
        using var host = BuildApp(new() { ["Zapi:DeadLettersTable"] = "MyDeadLetters" });
        var callback = """{"type":"DeliveryCallback","messageId":"M-9","instanceId":"inst-9","phone":"5511987654321","error":"Phone number does not exist"}""";
        var body = EnvelopeWriter.Write(DateTimeOffset.UtcNow, "req-9", null, Encoding.UTF8.GetBytes(callback));
        var movedAt = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var poisoned = QueuesModelFactory.QueueMessage("poison-1", "pop", body, dequeueCount: 1, insertedOn: movedAt);

        await ActivatorUtilities.CreateInstance<DeadLetterFunction>(host.Services).RunAsync(poisoned, CancellationToken.None);

        var row = (await new TableClient(_azurite.ConnectionString, "MyDeadLetters").GetEntityAsync<TableEntity>("zapi-errored-sends", "poison-1")).Value;
        Assert.Equal(body.ToString(), row.GetString("Envelope"));
        Assert.Equal("M-9", row.GetString("MessageId"));
        Assert.Equal(movedAt, row.GetDateTimeOffset("DeadLetteredAt"));
    }

    [Fact]
    public void An_empty_deliveries_queue_setting_starts_the_app_without_problems()
    {
        using var host = BuildApp(new() { ["Zapi:DeliveriesQueue"] = string.Empty });

        Assert.Empty(StartupProblems.Find(host.Services));
    }

    private IHost BuildApp(Dictionary<string, string?> values)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        values["AzureWebJobsStorage"] = _azurite.ConnectionString;
        builder.Configuration.AddInMemoryCollection(values);
        var host = ZapiFunctionsApp.Configure(builder).Build();
        Assert.Empty(StartupProblems.Find(host.Services));
        return host;
    }
}
