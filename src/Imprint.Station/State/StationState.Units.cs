using System.Globalization;
using System.Text.Json;
using Dapper;
using Imprint.Projects;
using Imprint.Station.Records;
using Microsoft.Data.Sqlite;

namespace Imprint.Station.State;

// The unit lifecycle: admit (restrictions + serial reservation), finish (record + counts +
// serial state in one transaction), and recovery of units a dead process left open.
public sealed partial class StationState
{
    private const string ClockHighWaterKey = "clock_high_water";

    // The pool index written for a serial number the cloud allocated (the station's pools were not drawn from).
    private const long CloudSerialIndex = -1;

    internal async Task<UnitLease> BeginUnitAsync(UnitStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var connection = Connect();

        // The admission need not reach the disk on its own: the unit's final commit syncs the
        // WAL, which holds this transaction too. A process kill loses nothing either way (the
        // OS has the write); a power loss before the final commit loses the reservation with
        // the unit, which then never had a pass record and never happened as far as the
        // invariants go. One flush per unit instead of two.
        connection.Execute("PRAGMA synchronous = NORMAL");
        await using var transaction = connection.BeginTransaction();
        var reserved = new List<ReservedSerial>(start.Serials.Count);
        if (start.Cloud is { } cloud)
        {
            // The cloud checked the job's restrictions and allocated the serial numbers from
            // the account's pools: the station's own counters and pools are not involved.
            foreach (var definition in start.Serials)
            {
                if (!cloud.Serials.TryGetValue(definition.Name, out var value))
                {
                    throw new UnitRefusedException($"image {start.ImageName} writes serial '{definition.Name}', but the cloud's grant {cloud.GrantId} allocated none for it.");
                }

                reserved.Add(new ReservedSerial(definition, CloudSerialIndex, value));
            }
        }
        else
        {
            CheckRestrictions(connection, transaction, start);
            foreach (var definition in start.Serials)
            {
                reserved.Add(Reserve(connection, transaction, definition, start.RecordId));
            }
        }

        var serialsJson = JsonSerializer.Serialize(reserved.Select(r => new SerialIssue(r.Definition.Name, r.Definition.Pool, r.Index, r.Value, "")), RecordJson.Options);
        connection.Execute(
            """
            INSERT INTO units_in_progress (record_id, image_id, image_name, image_crc, target, started_at, serials, cloud)
            VALUES (@RecordId, @ImageId, @ImageName, @ImageCrc, @Target, @StartedAt, @Serials, @Cloud)
            """,
            new
            {
                start.RecordId,
                start.ImageId,
                start.ImageName,
                ImageCrc = (long)start.ImageCrc,
                start.Target,
                StartedAt = FormatTime(start.StartedAt),
                Serials = serialsJson,
                Cloud = start.Cloud is null ? null : JsonSerializer.Serialize(start.Cloud, RecordJson.Options),
            },
            transaction);
        await CommitAsync(transaction, cancellationToken);
        connection.Execute("PRAGMA synchronous = FULL");
        return new UnitLease(start.RecordId, reserved);
    }

    internal async Task FinishUnitAsync(ProgrammingRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = Connect();
        await using var transaction = connection.BeginTransaction();
        Finish(connection, transaction, record);
        await CommitAsync(transaction, cancellationToken);
    }

    /// <summary>
    /// Closes units a dead process left between reservation and record: each gets an
    /// <see cref="UnitResult.Interrupted"/> record and its serial numbers return to their pool.
    /// Call only while holding the station lock (no live unit can be open).
    /// </summary>
    internal async Task<IReadOnlyList<ProgrammingRecord>> RecoverAsync(string stationId, TimeProvider time, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await using var transaction = connection.BeginTransaction();
        var open = connection.Query<(string RecordId, string ImageId, string ImageName, long ImageCrc, string Target, string StartedAt, string Serials, string? Cloud)>(
            "SELECT record_id, image_id, image_name, image_crc, target, started_at, serials, cloud FROM units_in_progress ORDER BY record_id",
            transaction: transaction).ToList();
        var recovered = new List<ProgrammingRecord>(open.Count);
        var now = time.GetUtcNow();
        foreach (var unit in open)
        {
            var started = ParseTime(unit.StartedAt);
            var serials = JsonSerializer.Deserialize<List<SerialIssue>>(unit.Serials, RecordJson.Options) ?? [];
            var record = new ProgrammingRecord
            {
                Id = unit.RecordId,
                ImageId = unit.ImageId,
                ImageName = unit.ImageName,
                ImageCrc = (uint)unit.ImageCrc,
                StationId = stationId,
                Target = unit.Target,
                StartedAt = started,
                DurationMs = 0,
                Result = UnitResult.Interrupted,
                FailureStep = "station",
                FailureMessage = $"the station process stopped before the unit finished; found on restart at {FormatTime(now)}, its serial numbers were returned to their pools.",
                Serials = serials,

                // An interrupted JOB unit is reported to the cloud as failed, which returns its count and serials there.
                Cloud = unit.Cloud is null ? null : JsonSerializer.Deserialize<CloudUnit>(unit.Cloud, RecordJson.Options),
            };
            Finish(connection, transaction, record);
            recovered.Add(record);
        }

        // Belt and braces: a reservation is always written with its in-progress row, so none
        // should be left; free any that is.
        connection.Execute("UPDATE serials SET state = 'free', record_id = NULL WHERE state = 'reserved'", transaction: transaction);
        await transaction.CommitAsync(cancellationToken);
        return recovered;
    }

    private static void CheckRestrictions(SqliteConnection connection, SqliteTransaction transaction, UnitStart start)
    {
        var r = start.Restrictions;
        var name = start.ImageName;
        if (r.ValidFrom is not null || r.ValidUntil is not null)
        {
            var highWater = connection.ExecuteScalar<string?>("SELECT value FROM meta WHERE key = @key", new { key = ClockHighWaterKey }, transaction);
            if (highWater is not null && start.StartedAt < ParseTime(highWater))
            {
                throw new UnitRefusedException(
                    $"the station clock ({FormatTime(start.StartedAt)}) is behind the last recorded unit ({highWater}); image {name} has date restrictions and is refused until the clock is corrected.");
            }

            if (r.ValidFrom is { } from && start.StartedAt < from)
            {
                throw new UnitRefusedException($"image {name} may not be programmed before {FormatTime(from)}.");
            }

            if (r.ValidUntil is { } until && start.StartedAt > until)
            {
                throw new UnitRefusedException($"image {name} expired at {FormatTime(until)}.");
            }
        }

        if (r.MaxCount is { } max)
        {
            // Units in progress count too, so a limit can never be overshot.
            long used = connection.ExecuteScalar<long>(
                """
                SELECT COALESCE((SELECT passed FROM image_counts WHERE image_id = @id), 0)
                     + (SELECT COUNT(*) FROM units_in_progress WHERE image_id = @id)
                """,
                new { id = start.ImageId },
                transaction);
            if (used >= max)
            {
                throw new UnitRefusedException($"image {name} reached its limit of {max.ToString(CultureInfo.InvariantCulture)} units on this station.");
            }
        }
    }

    private static ReservedSerial Reserve(SqliteConnection connection, SqliteTransaction transaction, SerialDefinition definition, string recordId)
    {
        connection.Execute("INSERT OR IGNORE INTO pools (name) VALUES (@pool)", new { pool = definition.Pool }, transaction);

        // Returned indexes go out again first, lowest first, so passed units stay contiguous.
        var index = connection.ExecuteScalar<long?>(
            "SELECT idx FROM serials WHERE pool = @pool AND state = 'free' ORDER BY idx LIMIT 1", new { pool = definition.Pool }, transaction);
        if (index is { } free)
        {
            connection.Execute(
                "UPDATE serials SET state = 'reserved', record_id = @recordId WHERE pool = @pool AND idx = @free",
                new { recordId, pool = definition.Pool, free },
                transaction);
        }
        else
        {
            index = connection.ExecuteScalar<long>("SELECT next_index FROM pools WHERE name = @pool", new { pool = definition.Pool }, transaction);
            connection.Execute(
                "INSERT INTO serials (pool, idx, state, record_id) VALUES (@pool, @index, 'reserved', @recordId)",
                new { pool = definition.Pool, index, recordId },
                transaction);
            connection.Execute("UPDATE pools SET next_index = next_index + 1 WHERE name = @pool", new { pool = definition.Pool }, transaction);
        }

        ulong value;
        try
        {
            value = definition.ValueAt(index.Value);
        }
        catch (SerialException ex)
        {
            throw new UnitRefusedException(ex.Message);
        }

        return new ReservedSerial(definition, index.Value, value);
    }

    private static void Finish(SqliteConnection connection, SqliteTransaction transaction, ProgrammingRecord record)
    {
        bool pass = record.Result == UnitResult.Pass;
        connection.Execute(
            "INSERT INTO records (id, image_id, started_at, result, body) VALUES (@Id, @ImageId, @StartedAt, @Result, @Body)",
            new
            {
                record.Id,
                record.ImageId,
                StartedAt = FormatTime(record.StartedAt),
                Result = record.Result.ToString().ToLowerInvariant(),
                Body = JsonSerializer.Serialize(record, RecordJson.Options),
            },
            transaction);

        if (record.Cloud is not null)
        {
            connection.Execute("INSERT OR IGNORE INTO cloud_outbox (record_id) VALUES (@Id)", new { record.Id }, transaction);
        }

        foreach (var serial in record.Cloud is null ? record.Serials : [])
        {
            int changed = pass
                ? connection.Execute(
                    "UPDATE serials SET state = 'used' WHERE pool = @Pool AND idx = @Index AND state = 'reserved' AND record_id = @RecordId",
                    new { serial.Pool, serial.Index, RecordId = record.Id },
                    transaction)
                : connection.Execute(
                    "UPDATE serials SET state = 'free', record_id = NULL WHERE pool = @Pool AND idx = @Index AND state = 'reserved' AND record_id = @RecordId",
                    new { serial.Pool, serial.Index, RecordId = record.Id },
                    transaction);
            if (changed != 1)
            {
                throw new InvalidOperationException($"Index {serial.Index} of serial pool {serial.Pool} is not reserved by unit {record.Id}.");
            }

            connection.Execute(
                pass ? "UPDATE pools SET used = used + 1 WHERE name = @Pool" : "UPDATE pools SET returned = returned + 1 WHERE name = @Pool",
                new { serial.Pool },
                transaction);
        }

        var finished = record.StartedAt.AddMilliseconds(record.DurationMs);
        connection.Execute(
            """
            INSERT INTO image_counts (image_id, name, passed, failed, last_unit_at) VALUES (@ImageId, @ImageName, @Passed, @Failed, @At)
            ON CONFLICT (image_id) DO UPDATE SET name = excluded.name, passed = passed + excluded.passed,
                failed = failed + excluded.failed, last_unit_at = excluded.last_unit_at
            """,
            new { record.ImageId, record.ImageName, Passed = pass ? 1 : 0, Failed = pass ? 0 : 1, At = FormatTime(finished) },
            transaction);
        connection.Execute("DELETE FROM units_in_progress WHERE record_id = @Id", new { record.Id }, transaction);
        connection.Execute(
            """
            INSERT INTO meta (key, value) VALUES (@key, @value)
            ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)
            """,
            new { key = ClockHighWaterKey, value = FormatTime(finished) },
            transaction);
    }
}
