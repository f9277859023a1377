using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;

namespace ZapiFunctions.UnitTests.Functions;

public sealed class RetentionFunctionTests
{
    private static readonly MethodInfo Run = typeof(RetentionFunction).GetMethod(nameof(RetentionFunction.RunAsync))!;

    [Fact]
    public void The_app_provides_the_purge_over_both_tables_with_the_configured_retention()
    {
        using var host = ZapiFunctionsApp.Configure(Worker.Builder(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Zapi__ErroredSendsRetention"] = "30.00:00:00",
        })).Build();

        var retention = host.Services.GetRequiredService<PersonalDataRetention>();

        Assert.Empty(StartupProblems.Find(host.Services));
        Assert.Equal(("ZapiErroredSends", "ZapiDeadLetters"), (retention.ErroredSendsTable, retention.DeadLettersTable));
        Assert.Equal(TimeSpan.FromDays(30), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ZapiOptions>>().Value.ErroredSendsRetention);
    }

    [Fact]
    public async Task Each_run_deletes_what_was_last_seen_before_now_minus_the_configured_retention()
    {
        var now = new DateTimeOffset(2026, 5, 1, 3, 30, 0, TimeSpan.Zero);
        var erroredSends = Table("ZapiErroredSends", [new TableEntity("inst-a", "M-1"), new TableEntity("inst-b", "M-2")]);
        var deadLetters = Table("ZapiDeadLetters", [new TableEntity("zapi-errored-sends", "q-1")]);
        var retention = new PersonalDataRetention(erroredSends.Object, deadLetters.Object, new FakeTimeProvider(now), NullLogger<PersonalDataRetention>.Instance);
        var options = Microsoft.Extensions.Options.Options.Create(new ZapiOptions { ErroredSendsRetention = TimeSpan.FromDays(10) });

        await new RetentionFunction(retention, options).RunAsync(new TimerInfo(), CancellationToken.None);

        var cutoff = TableClient.CreateQueryFilter($"{now.AddDays(-10)}");
        erroredSends.Verify(t => t.QueryAsync<TableEntity>($"LastSeen lt {cutoff}", It.IsAny<int?>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()));
        deadLetters.Verify(t => t.QueryAsync<TableEntity>($"DeadLetteredAt lt {cutoff}", It.IsAny<int?>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()));

        // One delete transaction per partition.
        erroredSends.Verify(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        deadLetters.Verify(t => t.SubmitTransactionAsync(
            It.Is<IEnumerable<TableTransactionAction>>(a => a.Single().ActionType == TableTransactionActionType.Delete && a.Single().Entity.RowKey == "q-1"),
            It.IsAny<CancellationToken>()));
    }

    /// <summary>A table whose query returns <paramref name="rows"/> and whose transactions succeed.</summary>
    private static Mock<TableClient> Table(string name, TableEntity[] rows)
    {
        var table = new Mock<TableClient>();
        table.SetupGet(t => t.Name).Returns(name);
        table.Setup(t => t.QueryAsync<TableEntity>(It.IsAny<string>(), It.IsAny<int?>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<TableEntity>.FromPages([Page<TableEntity>.FromValues(rows, null, Mock.Of<Response>())]));
        table.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue<IReadOnlyList<Response>>([], Mock.Of<Response>()));
        return table;
    }
}
