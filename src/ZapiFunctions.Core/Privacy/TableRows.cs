using Azure;
using Azure.Data.Tables;

namespace ZapiFunctions.Core.Privacy;

/// <summary>
/// Deletes the rows a server-side filter selects: the query returns keys only (never the row's data, so no phone
/// travels), one page at a time, and each page is deleted in transactions of at most <see cref="MaxTransaction"/> rows of
/// one partition, as Azure Tables requires.
/// </summary>
internal static class TableRows
{
    /// <summary>The most actions one table transaction may hold.</summary>
    public const int MaxTransaction = 100;

    private static readonly string[] KeysOnly = ["PartitionKey", "RowKey"];

    /// <summary>
    /// Deletes (or, with <paramref name="dryRun"/>, counts) the rows matching <paramref name="filter"/>. With
    /// <paramref name="ifUnchanged"/>, a row changed since the query (a failure seen again) is kept. A table that does not
    /// exist has nothing to delete.
    /// </summary>
    public static async Task<TableRowCount> DeleteWhereAsync(
        TableClient table, string filter, bool ifUnchanged, bool dryRun, CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            var pages = table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: KeysOnly, cancellationToken: cancellationToken).AsPages();
            await foreach (var page in pages)
            {
                if (dryRun)
                {
                    count += page.Values.Count;
                    continue;
                }

                // Continuation tokens name the next key to read, so deleting the rows already read leaves the paging intact.
                foreach (var partition in page.Values.GroupBy(row => row.PartitionKey, StringComparer.Ordinal))
                {
                    foreach (var batch in partition.Chunk(MaxTransaction))
                    {
                        count += await DeleteAsync(table, batch, ifUnchanged, cancellationToken);
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex is not TableTransactionFailedException)
        {
            return new TableRowCount(table.Name, Exists: false, count); // No table yet: nothing was ever kept there.
        }

        return new TableRowCount(table.Name, Exists: true, count);
    }

    private static async Task<int> DeleteAsync(TableClient table, TableEntity[] rows, bool ifUnchanged, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(
                rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ifUnchanged ? row.ETag : ETag.All)),
                cancellationToken);
            return rows.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            // A row was deleted (a concurrent purge) or changed since the query: the transaction changed nothing, so
            // delete the rows one by one, leaving those out.
            var deleted = 0;
            foreach (var row in rows)
            {
                try
                {
                    var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ifUnchanged ? row.ETag : ETag.All, cancellationToken);
                    deleted += response.Status == 404 ? 0 : 1;
                }
                catch (RequestFailedException single) when (single.Status == 412)
                {
                    // Changed since the query (seen again): no longer older than the cutoff.
                }
            }

            return deleted;
        }
    }
}

/// <summary>How many rows of a table a purge or an erasure deleted (or would delete).</summary>
/// <param name="Table">The table.</param>
/// <param name="Exists">False when the table does not exist (yet).</param>
/// <param name="Count">Rows deleted, or matching in a dry run.</param>
internal sealed record TableRowCount(string Table, bool Exists, int Count);
