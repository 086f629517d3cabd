using System.Text.Json;
using Dapper;
using Imprint.Station.Records;

namespace Imprint.Station.State;

// The records of JOB units the cloud has not acknowledged yet. Rows are written in the
// record's own transaction (see Finish), so a unit is never recorded without being queued.
// A row is 'queued' until the cloud acknowledges it (then deleted) or refuses it for good
// ('rejected', kept with the cloud's answer until someone requeues it).
public sealed partial class StationState
{
    /// <summary>Counts the records of cloud-connected units waiting to be uploaded (not those the cloud rejected).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records waiting.</returns>
    public async Task<long> CountPendingUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM cloud_outbox WHERE state = 'queued'", cancellationToken: cancellationToken));
    }

    /// <summary>Lists the records the cloud refused for good, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rejected records with the cloud's answer.</returns>
    public async Task<IReadOnlyList<RejectedUpload>> ListRejectedUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var rows = await connection.QueryAsync<(string Id, string ImageId, string StartedAt, string At, long Status, string Message)>(new CommandDefinition(
            """
            SELECT o.record_id, r.image_id, r.started_at, o.rejected_at, o.rejected_status, o.rejected_message
            FROM cloud_outbox o JOIN records r ON r.id = o.record_id WHERE o.state = 'rejected' ORDER BY r.seq
            """,
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RejectedUpload(r.Id, r.ImageId, ParseTime(r.StartedAt), ParseTime(r.At), (int)r.Status, r.Message))];
    }

    /// <summary>Puts a record the cloud rejected back in the upload queue (after the cause was fixed in the cloud).</summary>
    /// <param name="recordId">The record id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is queued again.</returns>
    /// <exception cref="StationException">The log holds no such record, or the cloud did not reject it.</exception>
    public async Task RequeueUploadAsync(string recordId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        await using var connection = Connect();
        int changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE cloud_outbox SET state = 'queued', rejected_at = NULL, rejected_status = NULL, rejected_message = NULL WHERE record_id = @recordId AND state = 'rejected'",
            new { recordId },
            cancellationToken: cancellationToken));
        if (changed == 1) return;

        var state = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT COALESCE(o.state, 'none') FROM records r LEFT JOIN cloud_outbox o ON o.record_id = r.id WHERE r.id = @recordId",
            new { recordId },
            cancellationToken: cancellationToken));
        throw new StationException(state switch
        {
            null => $"the log holds no record {recordId}.",
            "queued" => $"record {recordId} is queued for upload already.",
            _ => $"record {recordId} is not waiting for the cloud (uploaded, or not a cloud-connected unit); only rejected records can be requeued.",
        });
    }

    /// <summary>Reads the upload state of the records still in the upload queue (queued or rejected), by record id.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The states; a cloud-connected record not listed was uploaded.</returns>
    public async Task<IReadOnlyDictionary<string, UploadState>> ReadUploadStatesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var rows = await connection.QueryAsync<(string Id, string State)>(new CommandDefinition("SELECT record_id, state FROM cloud_outbox", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => r.State == "rejected" ? UploadState.Rejected : UploadState.Queued, StringComparer.Ordinal);
    }

    internal async Task<IReadOnlyList<ProgrammingRecord>> ReadPendingUploadsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT r.body FROM cloud_outbox o JOIN records r ON r.id = o.record_id WHERE o.state = 'queued' ORDER BY r.seq LIMIT @limit",
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

    internal async Task MarkRejectedAsync(string recordId, int status, string message, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE cloud_outbox SET state = 'rejected', rejected_at = @at, rejected_status = @status, rejected_message = @message WHERE record_id = @recordId",
            new { recordId, status, message, at = FormatTime(at) },
            cancellationToken: cancellationToken));
    }
}
