using System.Text.Json;
using Dapper;
using Imprint.Station.Records;

namespace Imprint.Station.State;

// The records of JOB units the cloud has not acknowledged yet. Rows are written in the
// record's own transaction (see Finish), so a unit is never recorded without being queued.
public sealed partial class StationState
{
    /// <summary>Counts the records of cloud-connected units waiting to be uploaded.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records waiting.</returns>
    public async Task<long> CountPendingUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM cloud_outbox", cancellationToken: cancellationToken));
    }

    internal async Task<IReadOnlyList<ProgrammingRecord>> ReadPendingUploadsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT r.body FROM cloud_outbox o JOIN records r ON r.id = o.record_id ORDER BY r.seq LIMIT @limit",
            new { limit },
            cancellationToken: cancellationToken));
        return [.. bodies.Select(b => JsonSerializer.Deserialize<ProgrammingRecord>(b, RecordJson.Options)!)];
    }

    internal async Task MarkUploadedAsync(IEnumerable<string> recordIds, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await using var transaction = connection.BeginTransaction();
        foreach (var id in recordIds)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM cloud_outbox WHERE record_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        }

        await CommitAsync(transaction, cancellationToken);
    }
}
