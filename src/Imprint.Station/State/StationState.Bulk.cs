using System.Text.Json;
using Imprint.Station.Records;

namespace Imprint.Station.State;

// Bulk loading of log records, for benchmarks and imports: records only, no counts or serials.
public sealed partial class StationState
{
    internal async Task AppendRecordsAsync(IEnumerable<ProgrammingRecord> records, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();

        // A large page cache keeps one big transaction from spilling pages to the WAL early.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size = -262144";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO records (id, image_id, started_at, result, body) VALUES ($id, $image, $started, $result, $body)";
        var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        var image = command.Parameters.Add("$image", Microsoft.Data.Sqlite.SqliteType.Text);
        var started = command.Parameters.Add("$started", Microsoft.Data.Sqlite.SqliteType.Text);
        var result = command.Parameters.Add("$result", Microsoft.Data.Sqlite.SqliteType.Text);
        var body = command.Parameters.Add("$body", Microsoft.Data.Sqlite.SqliteType.Text);
        command.Prepare();
        foreach (var record in records)
        {
            id.Value = record.Id;
            image.Value = record.ImageId;
            started.Value = FormatTime(record.StartedAt);
            result.Value = record.Result.ToString().ToLowerInvariant();
            body.Value = JsonSerializer.Serialize(record, RecordJson.Options);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        // Fold the big WAL into the database now, not in the next unit's commit.
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }
}
