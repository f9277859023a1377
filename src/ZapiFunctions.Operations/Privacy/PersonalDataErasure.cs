using Azure.Data.Tables;
using Azure.Storage.Queues;
using ZapiFunctions.Core.Privacy;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.Operations.Privacy;

/// <summary>
/// Erases everything the app keeps about one phone number (LGPD art. 18, GDPR art. 17): the queued messages whose
/// callback is for it (the deliveries queue, the errored-sends queue and its poison queue), its dead letters and its
/// rows of the errored-sends table, in that order, so that a message processed meanwhile is more likely to be caught.
/// Phones match as Z-API writes them (<see cref="PhoneNumber"/>); tables are filtered server-side on their
/// <c>Phone</c> column. What Application Insights holds is masked (see docs/operations.md, "Data kept").
/// </summary>
/// <param name="queues">The queues to scan, without Base64 decoding (<see cref="QueueMessageEncoding.None"/>).</param>
/// <param name="erroredSends">The errored-sends table.</param>
/// <param name="deadLetters">The dead-letter table.</param>
public sealed class PersonalDataErasure(IReadOnlyList<QueueClient> queues, TableClient erroredSends, TableClient deadLetters)
{
    /// <summary>
    /// Deletes (or, with <paramref name="dryRun"/>, only counts) every queued message, dead letter and errored-send row
    /// for <paramref name="phone"/>; one count per store, queues first. Throws <see cref="ArgumentException"/> when
    /// <paramref name="phone"/> is not a phone as Z-API writes it.
    /// </summary>
    public async Task<ForgetResult> ForgetAsync(string phone, bool dryRun, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.TryNormalize(phone, out var normalized))
        {
            throw new ArgumentException(
                "The phone is not one Z-API writes: give its digits with the country code (5511987654321; spaces, +, -, ( and ) are ignored) or an @lid id (123456789012345@lid).",
                nameof(phone));
        }

        var stores = new List<ErasedStore>();
        foreach (var queue in queues)
        {
            stores.Add(await QueueErasure.EraseAsync(queue, envelope => IsFor(envelope, normalized), dryRun, cancellationToken));
        }

        // Both tables keep the phone in full in a column named Phone (ErroredSendEntity.Phone, DeadLetterTable.Phone).
        var byPhone = TableClient.CreateQueryFilter($"Phone eq {normalized}");
        stores.Add(Store(PersonalDataStore.DeadLetters, await TableRows.DeleteWhereAsync(deadLetters, byPhone, ifUnchanged: false, dryRun, cancellationToken)));
        stores.Add(Store(PersonalDataStore.ErroredSends, await TableRows.DeleteWhereAsync(erroredSends, byPhone, ifUnchanged: false, dryRun, cancellationToken)));
        return new ForgetResult(normalized, dryRun, stores);
    }

    // A phone sent as a JSON number is read as its text, as the ledger records it, so it is erased too.
    private static bool IsFor(CallbackEnvelope envelope, string phone) =>
        PhoneNumber.TryNormalize(EnvelopeFields.Text(envelope, "phone"), out var written) && written == phone;

    private static ErasedStore Store(PersonalDataStore kind, TableRowCount count) =>
        new(count.Table, kind, count.Exists, count.Count, 0);

}

/// <summary>The kinds of store that keep a phone in full.</summary>
public enum PersonalDataStore
{
    /// <summary>A storage queue holding callback envelopes.</summary>
    Queue,

    /// <summary>The errored-sends table.</summary>
    ErroredSends,

    /// <summary>The dead-letter table.</summary>
    DeadLetters,
}

/// <summary>What an erasure did to one store.</summary>
/// <param name="Name">The queue or table.</param>
/// <param name="Kind">What kind of store it is.</param>
/// <param name="Exists">False when it does not exist (yet): it holds nothing.</param>
/// <param name="Erased">Messages or rows deleted for the phone (in a dry run: that would be).</param>
/// <param name="Skipped">Queue messages left alone because they are not envelopes.</param>
public sealed record ErasedStore(string Name, PersonalDataStore Kind, bool Exists, int Erased, int Skipped);

/// <summary>What <see cref="PersonalDataErasure.ForgetAsync"/> did.</summary>
/// <param name="Phone">The phone as matched (normalised; personal data: mask it before printing or logging).</param>
/// <param name="DryRun">True when nothing was deleted.</param>
/// <param name="Stores">One entry per store, in the order erased.</param>
public sealed record ForgetResult(string Phone, bool DryRun, IReadOnlyList<ErasedStore> Stores)
{
    /// <summary>Everything erased (or that would be).</summary>
    public int Total => Stores.Sum(s => s.Erased);
}
