using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Operations.Privacy;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Core.Privacy;

/// <summary>Erasing one phone number from every store, against Azurite's Queue and Table services.</summary>
public sealed class PersonalDataErasureTests : PrivacyStorageTests
{
    private const string Phone = "5511987654321";
    private const string Other = "5521912345678";
    private const string Lid = "123456789012345@lid";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Forget_removes_the_rows_dead_letters_and_queued_messages_of_one_phone_and_keeps_the_others()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-1", Phone);
        await Storage.RecordAsync(_time, "inst-b", "M-2", Phone);
        await Storage.RecordAsync(_time, "inst-a", "M-3", Other);
        await Storage.DeadLetterAsync("zapi-errored-sends", "dl-1", Phone, _time.GetUtcNow());
        await Storage.DeadLetterAsync("zapi-deliveries", "dl-2", Other, _time.GetUtcNow());
        await Send("zapi-deliveries", Phone, Other);
        await Send("zapi-errored-sends", Other, Phone);
        await Storage.RawQueue("zapi-errored-sends").SendMessageAsync("not an envelope, written by hand");
        await Send("zapi-errored-sends-poison", Phone);
        await Send("zapi-errored-sends-poison-poison", Phone); // the DeadLetter function could not keep it

        // As a person types it: with +, spaces, parentheses and a hyphen.
        var result = await Erasure().ForgetAsync("+55 (11) 98765-4321", dryRun: false, CancellationToken.None);

        Assert.Equal(Phone, result.Phone);
        Assert.Equal(
            [
                new ErasedStore("zapi-deliveries", PersonalDataStore.Queue, true, 1, 0),
                new ErasedStore("zapi-errored-sends", PersonalDataStore.Queue, true, 1, 1),
                new ErasedStore("zapi-errored-sends-poison", PersonalDataStore.Queue, true, 1, 0),
                new ErasedStore("zapi-errored-sends-poison-poison", PersonalDataStore.Queue, true, 1, 0),
                new ErasedStore("ZapiDeadLetters", PersonalDataStore.DeadLetters, true, 1, 0),
                new ErasedStore("ZapiErroredSends", PersonalDataStore.ErroredSends, true, 2, 0),
            ],
            result.Stores);
        Assert.Equal(["inst-a/M-3"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
        Assert.Equal(["zapi-deliveries/dl-2"], await PrivacyStorage.KeysAsync(Storage.DeadLetters));

        // What is left is visible again at once (released), not hidden until a lease runs out.
        Assert.Equal([Other], await Storage.QueuedPhonesAsync("zapi-deliveries"));
        Assert.Equal(["-", Other], await Storage.QueuedPhonesAsync("zapi-errored-sends"));
        Assert.Empty(await Storage.QueuedPhonesAsync("zapi-errored-sends-poison"));
        Assert.Empty(await Storage.QueuedPhonesAsync("zapi-errored-sends-poison-poison"));
    }

    [Fact]
    public async Task Forget_reads_past_the_first_32_messages_of_a_queue()
    {
        for (var i = 0; i < 70; i++)
        {
            await Send("zapi-deliveries", i % 10 == 3 ? Phone : Other);
        }

        var result = await Erasure().ForgetAsync(Phone, dryRun: false, CancellationToken.None);

        Assert.Equal(7, result.Stores[0].Erased);
        Assert.Equal(Enumerable.Repeat(Other, 63), await Storage.DrainPhonesAsync("zapi-deliveries"));
    }

    [Fact]
    public async Task Forget_matches_an_lid_id_and_not_the_same_digits_as_a_number()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-lid", Lid);
        await Storage.RecordAsync(_time, "inst-a", "M-digits", "123456789012345");
        await Storage.DeadLetterAsync("zapi-errored-sends", "dl-lid", Lid, _time.GetUtcNow());
        await Send("zapi-errored-sends", Lid, "123456789012345");

        var result = await Erasure().ForgetAsync("123456789012345@LID", dryRun: false, CancellationToken.None);

        Assert.Equal(Lid, result.Phone);
        Assert.Equal(3, result.Total);
        Assert.Equal(["inst-a/M-digits"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
        Assert.Empty(await PrivacyStorage.KeysAsync(Storage.DeadLetters));
        Assert.Equal(["123456789012345"], await Storage.QueuedPhonesAsync("zapi-errored-sends"));
    }

    [Fact]
    public async Task A_dry_run_counts_and_deletes_nothing()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-1", Phone);
        await Storage.DeadLetterAsync("zapi-errored-sends", "dl-1", Phone, _time.GetUtcNow());
        await Send("zapi-errored-sends", Phone, Other);

        var result = await Erasure().ForgetAsync(Phone, dryRun: true, CancellationToken.None);

        Assert.True(result.DryRun);
        Assert.Equal(3, result.Total);
        Assert.Equal(["inst-a/M-1"], await PrivacyStorage.KeysAsync(Storage.ErroredSends));
        Assert.Equal(["zapi-errored-sends/dl-1"], await PrivacyStorage.KeysAsync(Storage.DeadLetters));
        Assert.Equal([Phone, Other], await Storage.QueuedPhonesAsync("zapi-errored-sends"));
    }

    [Fact]
    public async Task Stores_that_do_not_exist_hold_nothing()
    {
        var result = await Erasure().ForgetAsync(Phone, dryRun: false, CancellationToken.None);

        Assert.All(result.Stores, s => Assert.Equal((false, 0), (s.Exists, s.Erased)));
    }

    [Fact]
    public async Task With_the_deliveries_queue_turned_off_forget_erases_the_other_stores_and_reports_no_deliveries_queue()
    {
        await Storage.RecordAsync(_time, "inst-a", "M-1", Phone);
        await Send("zapi-errored-sends", Phone, Other);

        var result = await Erasure(new ZapiOptions { DeliveriesQueue = string.Empty }).ForgetAsync(Phone, dryRun: false, CancellationToken.None);

        Assert.Equal(
            [
                new ErasedStore("zapi-errored-sends", PersonalDataStore.Queue, true, 1, 0),
                new ErasedStore("zapi-errored-sends-poison", PersonalDataStore.Queue, false, 0, 0),
                new ErasedStore("zapi-errored-sends-poison-poison", PersonalDataStore.Queue, false, 0, 0),
                new ErasedStore("ZapiDeadLetters", PersonalDataStore.DeadLetters, false, 0, 0),
                new ErasedStore("ZapiErroredSends", PersonalDataStore.ErroredSends, true, 1, 0),
            ],
            result.Stores);
        Assert.Equal([Other], await Storage.QueuedPhonesAsync("zapi-errored-sends"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("joao@example.com")]
    [InlineData("55 11 9876x4321")]
    [InlineData("@lid")]
    public async Task Something_that_is_not_a_phone_is_refused_before_anything_is_touched(string phone)
    {
        await Send("zapi-errored-sends", Phone);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Erasure().ForgetAsync(phone, dryRun: false, CancellationToken.None));

        Assert.Contains("@lid", ex.Message, StringComparison.Ordinal);
        Assert.Equal([Phone], await Storage.QueuedPhonesAsync("zapi-errored-sends"));
    }

    private PersonalDataErasure Erasure(ZapiOptions? options = null)
    {
        return ErasureStores.Erasure(
            new QueueServiceClient(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }),
            new TableServiceClient(Azurite.ConnectionString),
            options ?? new ZapiOptions());
    }

    private async Task Send(string queue, params string[] phones)
    {
        var client = Storage.Queue(queue);
        await client.CreateIfNotExistsAsync();
        foreach (var phone in phones)
        {
            await client.SendMessageAsync(PrivacyStorage.Envelope(phone, "M-" + Guid.NewGuid().ToString("N")));
        }
    }
}
