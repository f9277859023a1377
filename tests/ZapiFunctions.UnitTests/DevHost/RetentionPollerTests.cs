using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.DevHost.Retention;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>The DevHost's stand-in for the Retention timer function.</summary>
public sealed class RetentionPollerTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_interval_defaults_to_the_functions_timer_s_day()
    {
        Assert.Equal(TimeSpan.FromDays(1), RetentionPollerSetup.Interval(Configuration(null)));
        Assert.Equal(TimeSpan.FromMinutes(5), RetentionPollerSetup.Interval(Configuration("00:05:00")));
    }

    [Theory]
    [InlineData("daily", "DevHost:RetentionInterval ('daily') is not a duration: use one from 00:00:01 to 7.00:00:00 (d.hh:mm:ss).")]
    [InlineData("00:00:00", "DevHost:RetentionInterval ('00:00:00') is out of range: use one from 00:00:01 to 7.00:00:00 (d.hh:mm:ss).")]
    [InlineData("8.00:00:00", "DevHost:RetentionInterval ('8.00:00:00') is out of range: use one from 00:00:01 to 7.00:00:00 (d.hh:mm:ss).")]
    public void A_bad_interval_is_refused_in_one_line_naming_the_setting(string value, string expected)
    {
        var ex = Assert.Throws<InvalidSettingsException>(() => RetentionPollerSetup.Interval(Configuration(value)));

        Assert.Equal([expected], ex.Problems);
    }

    [Fact]
    public async Task It_purges_shortly_after_start_up_then_once_per_interval_with_the_configured_retention()
    {
        var time = new FakeTimeProvider(Start);
        var filters = new List<string>();
        var erroredSends = Table("ZapiErroredSends", filters);
        var retention = new PersonalDataRetention(erroredSends.Object, Table("ZapiDeadLetters", []).Object, time, NullLogger<PersonalDataRetention>.Instance);
        var options = Microsoft.Extensions.Options.Options.Create(new ZapiOptions { ErroredSendsRetention = TimeSpan.FromDays(30) });
        using var poller = new RetentionPoller(retention, options, TimeSpan.FromDays(1), time, NullLogger<RetentionPoller>.Instance);

        await poller.StartAsync(CancellationToken.None);
        var atStartUp = Runs(filters);
        time.Advance(RetentionPollerSetup.FirstRunDelay - TimeSpan.FromSeconds(1));
        var justBefore = Runs(filters);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => Task.FromResult(Runs(filters)), n => n == 1, TimeSpan.FromSeconds(10), "the first purge");
        time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        var aDayLaterLessASecond = Runs(filters);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => Task.FromResult(Runs(filters)), n => n == 2, TimeSpan.FromSeconds(10), "the purge a day after the first");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal((0, 0, 1), (atStartUp, justBefore, aDayLaterLessASecond));
        var firstRun = Start + RetentionPollerSetup.FirstRunDelay;
        Assert.Equal(
            [
                TableClient.CreateQueryFilter($"LastSeen lt {firstRun - TimeSpan.FromDays(30)}"),
                TableClient.CreateQueryFilter($"LastSeen lt {firstRun + TimeSpan.FromDays(1) - TimeSpan.FromDays(30)}"),
            ],
            Snapshot(filters));
    }

    [Fact]
    public async Task A_failed_purge_does_not_stop_the_poller()
    {
        var time = new FakeTimeProvider(Start);
        var filters = new List<string>();
        var erroredSends = Table("ZapiErroredSends", filters, fail: true);
        var retention = new PersonalDataRetention(erroredSends.Object, Table("ZapiDeadLetters", []).Object, time, NullLogger<PersonalDataRetention>.Instance);
        using var poller = new RetentionPoller(
            retention, Microsoft.Extensions.Options.Options.Create(new ZapiOptions()), TimeSpan.FromHours(1), time, NullLogger<RetentionPoller>.Instance);

        await poller.StartAsync(CancellationToken.None);
        time.Advance(RetentionPollerSetup.FirstRunDelay);
        await Poll.UntilAsync(() => Task.FromResult(Runs(filters)), n => n == 1, TimeSpan.FromSeconds(10), "the first (failing) purge");
        time.Advance(TimeSpan.FromHours(1));
        await Poll.UntilAsync(() => Task.FromResult(Runs(filters)), n => n == 2, TimeSpan.FromSeconds(10), "the next purge");
        await poller.StopAsync(CancellationToken.None);

        Assert.False(poller.ExecuteTask!.IsFaulted);
    }

    private static int Runs(List<string> filters)
    {
        lock (filters)
        {
            return filters.Count;
        }
    }

    private static List<string> Snapshot(List<string> filters)
    {
        lock (filters)
        {
            return [.. filters];
        }
    }

    /// <summary>An empty table that notes each query's filter, or fails each query as storage down would.</summary>
    private static Mock<TableClient> Table(string name, List<string> filters, bool fail = false)
    {
        var table = new Mock<TableClient>();
        table.SetupGet(t => t.Name).Returns(name);
        table.Setup(t => t.QueryAsync<TableEntity>(It.IsAny<string>(), It.IsAny<int?>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns((string filter, int? _, IEnumerable<string> _, CancellationToken _) =>
            {
                lock (filters)
                {
                    filters.Add(filter);
                }

                return fail
                    ? throw new RequestFailedException(503, "Server busy")
                    : AsyncPageable<TableEntity>.FromPages([Page<TableEntity>.FromValues([], null, Mock.Of<Response>())]);
            });
        return table;
    }

    private static IConfiguration Configuration(string? interval) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [RetentionPollerSetup.IntervalKey] = interval })
        .Build();
}
