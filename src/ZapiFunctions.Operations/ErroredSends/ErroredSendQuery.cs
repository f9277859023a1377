using Azure;
using Azure.Data.Tables;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.Operations.ErroredSends;

/// <summary>Reads the errored-sends table with the filters operators ask for, newest first.</summary>
public static class ErroredSendQuery
{
    /// <summary>Rows matching every filter given, ordered by LastSeen descending, at most <paramref name="top"/>.</summary>
    public static async Task<IReadOnlyList<ErroredSendEntity>> ListAsync(
        TableClient table, string? instanceId, string? category, DateTimeOffset? since, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var filters = new List<string>();
        if (!string.IsNullOrWhiteSpace(instanceId))
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(instanceId)}"));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            filters.Add(TableClient.CreateQueryFilter($"Category eq {category}"));
        }

        if (since is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"LastSeen ge {from}"));
        }

        var rows = new List<ErroredSendEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<ErroredSendEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // No table yet: nothing has failed.
        }

        return rows.OrderByDescending(r => r.LastSeen).Take(top).ToList();
    }
}
