using System.Globalization;
using System.Text;
using Dapper;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>
/// The global log: result ingestion (idempotent by record id: a retried upload changes nothing),
/// queries, exports and the counters results move.
/// </summary>
public sealed class RecordService(CloudDatabase database, TimeProvider time, CloudOptions options)
{
    internal const string Columns = """
        id, job_id, image_id, factory_id, station_id, grant_id, unit_idx, started_at, finished_at, duration_ms, result, failure_step, failure_message,
        serials, custom_data, test_results, dynamic_data, steps, received_at, late, seq
        """;

    public async Task<ResultsResponse> IngestAsync(StationIdentity station, IReadOnlyList<ProgrammingRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count > options.MaxRecordsPerUpload)
        {
            throw CloudException.Invalid("records", $"has {records.Count} entries; the limit per upload is {options.MaxRecordsPerUpload}.");
        }

        for (var i = 0; i < records.Count; i++)
        {
            ValidateRecord(records[i], $"records[{i}]");
        }

        // As with grants (see GrantService.RequestAsync): the commit does not wait for the disk, so
        // the job's row is not held through a flush; the durable write after it does the flushing.
        var response = await database.WriteAsync(s => IngestAsync(s, station, records, ct), flushOnCommit: false, ct).ConfigureAwait(false);
        await StationService.MarkSeenDurablyAsync(database, station.StationId, time.Now(), ct).ConfigureAwait(false);
        return response;
    }

    private async Task<ResultsResponse> IngestAsync(DbSession s, StationIdentity station, IReadOnlyList<ProgrammingRecord> records, CancellationToken ct)
    {
        var now = time.Now();
        await StationService.ConsumeNonceAsync(s, station, ct).ConfigureAwait(false);
        int accepted = 0, duplicates = 0, late = 0;
        var jobDelta = new SortedDictionary<string, Delta>(StringComparer.Ordinal);
        var usageDelta = new SortedDictionary<(string Job, string Station), Delta>();
        var stationDelta = new Delta();
        var used = new List<(string Pool, long Value, string RecordId)>();
        var returned = new List<(string AccountId, string Pool, long Value)>();

        // A record id twice in one batch is a duplicate of its first occurrence.
        var batch = new List<(int Index, ProgrammingRecord Record)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (seen.Add(records[i].Id))
            {
                batch.Add((i, records[i]));
            }
            else
            {
                duplicates++;
            }
        }

        // Set-based: one INSERT for the batch, one UPDATE of the units, then the counters.
        var inserted = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in batch.Chunk(1000))
        {
            foreach (var row in await InsertRecordsAsync(s, station, chunk, now, ct).ConfigureAwait(false))
            {
                inserted[row.Id] = row.Seq;
            }
        }

        var missing = batch.Where(b => !inserted.ContainsKey(b.Record.Id)).ToList();
        if (missing.Count > 0)
        {
            var existing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in missing.Chunk(s.BatchRows(1)))
            {
                var ids = chunk.Select(m => m.Record.Id).ToArray();
                existing.UnionWith(await s.QueryAsync<string>(InList("SELECT id FROM records WHERE account_id = @AccountId AND id IN", ids.Length),
                    Params(station.AccountId, ids), ct).ConfigureAwait(false));
            }

            if (missing.FirstOrDefault(m => !existing.Contains(m.Record.Id)) is { Record: not null } unknown)
            {
                throw new CloudException(CloudErrorKind.NotFound, "Grant unit not found",
                    $"records[{unknown.Index}]: grant '{unknown.Record.GrantId}' has no unit {unknown.Record.UnitIndex} for station '{station.StationId}'.");
            }

            duplicates += missing.Count;
        }

        var fresh = batch.Where(b => inserted.ContainsKey(b.Record.Id)).ToList();
        accepted = fresh.Count;
        var moved = new Dictionary<(string GrantId, long Idx), UnitRow>();
        if (s.Dialect == SqlDialect.Postgres && fresh.Count > 0)
        {
            // Every statement of an upload finds its rows by a key. Given 500 keys, the planner
            // still preferred hashing them against a scan of all grant units (143 ms per batch in
            // auto_explain, growing with the table); without sequential scans it probes the key.
            await s.ExecuteAsync("SET LOCAL enable_seqscan = off", ct: ct).ConfigureAwait(false);
        }

        foreach (var chunk in fresh.Chunk(1000))
        {
            foreach (var unit in await CompleteUnitsAsync(s, chunk, ct).ConfigureAwait(false))
            {
                moved[(unit.GrantId, unit.Idx)] = unit;
            }
        }

        var burns = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (index, r) in fresh)
        {
            var success = r.Result == UnitResult.Success;
            if (!moved.TryGetValue((r.GrantId, r.UnitIndex), out var unit))
            {
                late += await LateAsync(s, station, r, new InsertedRow { Seq = inserted[r.Id] }, success, used, stationDelta, index, ct).ConfigureAwait(false);
                continue;
            }

            var serials = Json.Read<List<SerialValue>>(unit.Serials, []);
            var job = Get(jobDelta, unit.JobId);
            var usage = Get(usageDelta, (unit.JobId, station.StationId));
            job.Reserved--;
            usage.Reserved--;
            if (success)
            {
                job.Used++;
                usage.Used++;
                stationDelta.Used++;
                used.AddRange(serials.Select(v => (v.Pool, v.Value, r.Id)));
            }
            else
            {
                job.Failed++;
                stationDelta.Failed++;
                if (!burns.TryGetValue(unit.JobId, out var burn))
                {
                    burns[unit.JobId] = burn = await BurnsFailedAsync(s, unit.JobId, ct).ConfigureAwait(false);
                }

                if (!burn)
                {
                    returned.AddRange(serials.Select(v => (station.AccountId, v.Pool, v.Value)));
                }
            }
        }

        foreach (var ((jobId, stationId), d) in usageDelta)
        {
            await s.ExecuteAsync("UPDATE job_station_usage SET used = used + @Used, reserved = reserved + @Reserved WHERE job_id = @jobId AND station_id = @stationId",
                new { d.Used, d.Reserved, jobId, stationId }, ct).ConfigureAwait(false);
        }

        if (stationDelta.Used != 0 || stationDelta.Failed != 0)
        {
            await s.ExecuteAsync("UPDATE stations SET programmed = programmed + @Used, failed = failed + @Failed, last_seen_at = @now WHERE id = @StationId",
                new { stationDelta.Used, stationDelta.Failed, now, station.StationId }, ct).ConfigureAwait(false);
        }

        await MarkUsedAsync(s, station.AccountId, used, ct).ConfigureAwait(false);
        await GrantService.ReturnSerialsAsync(s, returned, ct).ConfigureAwait(false);

        // The jobs' rows, which every grant and upload of a job updates, come last and go with the
        // COMMIT in one round trip, so they are locked only while the server runs these statements.
        if (jobDelta.Count > 0)
        {
            var counters = new StringBuilder();
            var p = new BatchParameters();
            var j = 0;
            foreach (var (jobId, d) in jobDelta)
            {
                counters.Append(CultureInfo.InvariantCulture,
                    $"UPDATE jobs SET used = used + @u{j}, failed = failed + @f{j}, reserved = reserved + @r{j} WHERE id = @j{j};\n");
                p.Add($"u{j}", d.Used);
                p.Add($"f{j}", d.Failed);
                p.Add($"r{j}", d.Reserved);
                p.Add($"j{j}", jobId);
                j++;
            }

            await s.ExecuteThenCommitAsync(counters.ToString().TrimEnd('\n', ';'), p, ct).ConfigureAwait(false);
        }

        return new ResultsResponse(accepted, duplicates, late);
    }

    /// <summary>
    /// A result for a unit whose reservation was already reclaimed: the station finished after its
    /// report-by time. The record is kept (flagged late); a success counts only if the count still
    /// allows it, and takes its serial numbers back out of the free list.
    /// </summary>
    private async Task<int> LateAsync(DbSession s, StationIdentity station, ProgrammingRecord r, InsertedRow inserted, bool success,
        List<(string Pool, long Value, string RecordId)> used, Delta stationDelta, int index, CancellationToken ct)
    {
        var unit = await s.QuerySingleOrDefaultAsync<UnitRow>(
            "UPDATE grant_units SET state = @state, record_id = @Id WHERE grant_id = @GrantId AND idx = @UnitIndex AND state = 'expired' RETURNING job_id, station_id, serials",
            new { state = success ? "late-succeeded" : "late-failed", r.Id, r.GrantId, UnitIndex = (long)r.UnitIndex }, ct).ConfigureAwait(false);
        if (unit is null)
        {
            var other = await s.QuerySingleOrDefaultAsync<string>("SELECT record_id FROM grant_units WHERE grant_id = @GrantId AND idx = @UnitIndex",
                new { r.GrantId, UnitIndex = (long)r.UnitIndex }, ct).ConfigureAwait(false);
            throw new CloudException(CloudErrorKind.Conflict, "Unit already reported",
                $"records[{index}]: unit {r.UnitIndex} of grant '{r.GrantId}' was already reported as record '{other}'.");
        }

        await s.ExecuteAsync("UPDATE records SET late = 1 WHERE account_id = @AccountId AND seq = @Seq", new { station.AccountId, inserted.Seq }, ct).ConfigureAwait(false);
        if (!success)
        {
            await s.ExecuteAsync("UPDATE jobs SET failed = failed + 1 WHERE id = @JobId", new { unit.JobId }, ct).ConfigureAwait(false);
            stationDelta.Failed++;
            return 1;
        }

        var counted = await s.ExecuteAsync("UPDATE jobs SET used = used + 1 WHERE id = @JobId AND (max_count IS NULL OR used + reserved + 1 <= max_count)",
            new { unit.JobId }, ct).ConfigureAwait(false);
        if (counted == 1)
        {
            await s.ExecuteAsync("UPDATE job_station_usage SET used = used + 1 WHERE job_id = @JobId AND station_id = @StationId", new { unit.JobId, station.StationId }, ct).ConfigureAwait(false);
        }

        stationDelta.Used++;
        foreach (var v in Json.Read<List<SerialValue>>(unit.Serials, []))
        {
            await s.ExecuteAsync("DELETE FROM serial_free WHERE account_id = @AccountId AND pool = @Pool AND value = @Value", new { station.AccountId, v.Pool, v.Value }, ct).ConfigureAwait(false);
            var claimed = await s.ExecuteAsync(
                "INSERT INTO serial_used (account_id, pool, value, record_id) VALUES (@AccountId, @Pool, @Value, @Id) ON CONFLICT (account_id, pool, value) DO NOTHING",
                new { station.AccountId, v.Pool, v.Value, r.Id }, ct).ConfigureAwait(false);
            if (claimed == 0)
            {
                await AuditLog.AppendAsync(s, time, station.AccountId, $"station {station.StationId}", "serial.conflict", r.Id,
                    $"late success reused serial {v.Pool}={v.Value}, already given to another unit", ct).ConfigureAwait(false);
            }
        }

        if (counted == 0)
        {
            await AuditLog.AppendAsync(s, time, station.AccountId, $"station {station.StationId}", "count.late-over", r.Id,
                $"late success for job {unit.JobId} after its count was used up", ct).ConfigureAwait(false);
        }

        return 1;
    }

    private static async Task<IEnumerable<InsertedRow>> InsertRecordsAsync(
        DbSession s, StationIdentity station, (int Index, ProgrammingRecord Record)[] chunk, long now, CancellationToken ct)
    {
        var p = new BatchParameters();
        p.Add("AccountId", station.AccountId);
        p.Add("StationId", station.StationId);
        p.Add("now", now);
        var v = new RowSet<(int Index, ProgrammingRecord Record)>(chunk)
            .Text("id", i => i.Record.Id)
            .Text("grant_id", i => i.Record.GrantId)
            .Integer("idx", i => i.Record.UnitIndex)
            .Integer("started_at", i => i.Record.StartedAt.ToUnixTimeMilliseconds())
            .Integer("finished_at", i => i.Record.FinishedAt.ToUnixTimeMilliseconds())
            .Integer("duration_ms", i => (long)(i.Record.FinishedAt - i.Record.StartedAt).TotalMilliseconds)
            .Text("result", i => i.Record.Result == UnitResult.Success ? "success" : "failure")
            .Text("failure_step", i => i.Record.FailureStep)
            .Text("failure_message", i => i.Record.FailureMessage)
            .Text("custom_data", i => Json.Write(i.Record.CustomData ?? new Dictionary<string, string>()))
            .Text("test_results", i => Json.Write(i.Record.TestResults ?? []))
            .Text("dynamic_data", i => Json.Write(i.Record.DynamicData ?? new Dictionary<string, string>()))
            .Text("steps", i => Json.Write(i.Record.Steps ?? new Dictionary<string, long>()))
            .From(s.Dialect, p, "v");

        // Each record finds its unit by the primary key. On PostgreSQL the lookup is fenced
        // (LATERAL ... OFFSET 0) so the planner cannot trade it for a scan of the station's units:
        // it did, 500 records x all the station's units, while grant_units had no statistics yet.
        var units = s.Dialect == SqlDialect.Postgres
            ? "CROSS JOIN LATERAL (SELECT * FROM grant_units g WHERE g.grant_id = v.grant_id AND g.idx = v.idx OFFSET 0) u"
            : "JOIN grant_units u ON u.grant_id = v.grant_id AND u.idx = v.idx";
        var sql = $"""
            INSERT INTO records (id, account_id, job_id, image_id, factory_id, station_id, grant_id, unit_idx, started_at, finished_at, duration_ms,
                result, failure_step, failure_message, serials, serial_key, custom_data, test_results, dynamic_data, steps, received_at, late)
            SELECT v.id, u.account_id, u.job_id, u.image_id, u.factory_id, u.station_id, u.grant_id, u.idx, v.started_at, v.finished_at, v.duration_ms,
                v.result, v.failure_step, v.failure_message, u.serials, u.serial_key, v.custom_data, v.test_results, v.dynamic_data, v.steps, @now, 0
            FROM {v} {units}
            WHERE u.account_id = @AccountId AND u.station_id = @StationId
            ON CONFLICT (account_id, id) DO NOTHING
            RETURNING id, seq
            """;
        return await s.QueryAsync<InsertedRow>(sql, p, ct).ConfigureAwait(false);
    }

    /// <summary>Moves reserved units to succeeded or failed; units no longer reserved (reclaimed) are left for the late path.</summary>
    private static async Task<IEnumerable<UnitRow>> CompleteUnitsAsync(DbSession s, (int Index, ProgrammingRecord Record)[] chunk, CancellationToken ct)
    {
        // 'reserved' travels as a column (v.open) rather than a literal: a literal state would match
        // the partial index on reserved units, and the planner, misled by stale statistics, then
        // scanned every reserved unit of every station instead of looking up 500 primary keys.
        var p = new BatchParameters();
        var v = new RowSet<(int Index, ProgrammingRecord Record)>(chunk)
            .Text("grant_id", i => i.Record.GrantId)
            .Integer("idx", i => i.Record.UnitIndex)
            .Text("state", i => i.Record.Result == UnitResult.Success ? "succeeded" : "failed")
            .Text("record_id", i => i.Record.Id)
            .Text("open", _ => "reserved")
            .From(s.Dialect, p, "v");
        var sql = $"""
            UPDATE grant_units SET state = v.state, record_id = v.record_id FROM {v}
            WHERE grant_units.grant_id = v.grant_id AND grant_units.idx = v.idx AND grant_units.state = v.open
            RETURNING grant_units.grant_id, grant_units.idx, grant_units.job_id, grant_units.station_id, grant_units.serials
            """;
        return await s.QueryAsync<UnitRow>(sql, p, ct).ConfigureAwait(false);
    }

    private static string InList(string prefix, int count) =>
        prefix + " (" + string.Join(", ", Enumerable.Range(0, count).Select(i => "@i" + i.ToString(CultureInfo.InvariantCulture))) + ")";

    private static BatchParameters Params(string accountId, string[] values)
    {
        var p = new BatchParameters();
        p.Add("AccountId", accountId);
        for (var i = 0; i < values.Length; i++)
        {
            p.Add("i" + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        return p;
    }

    private static async Task MarkUsedAsync(DbSession s, string accountId, List<(string Pool, long Value, string RecordId)> used, CancellationToken ct)
    {
        // The primary key on (account, pool, value) is the last line of defence: a serial number
        // can be marked used by one successful unit only, or the whole upload fails.
        foreach (var chunk in used.OrderBy(u => u.Pool, StringComparer.Ordinal).ThenBy(u => u.Value).Chunk(5000))
        {
            var p = new BatchParameters();
            p.Add("accountId", accountId);
            var v = new RowSet<(string Pool, long Value, string RecordId)>(chunk)
                .Text("pool", u => u.Pool)
                .Integer("value", u => u.Value)
                .Text("record_id", u => u.RecordId)
                .From(s.Dialect, p, "v");
            await s.ExecuteAsync($"INSERT INTO serial_used (account_id, pool, value, record_id) SELECT @accountId, v.pool, v.value, v.record_id FROM {v}", p, ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> BurnsFailedAsync(DbSession s, string jobId, CancellationToken ct) =>
        await s.ScalarAsync<long>("SELECT burn_failed FROM jobs WHERE id = @jobId", new { jobId }, ct).ConfigureAwait(false) != 0;

    public async Task<RecordPage> QueryAsync(Actor actor, RecordFilter filter, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        if (limit is < 1 or > 1000)
        {
            throw CloudException.Invalid("limit", $"is {limit}; it must be between 1 and 1000.");
        }

        long? before = null;
        if (cursor is not null)
        {
            before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : throw CloudException.Invalid("cursor", "is not a cursor this API returned.");
        }

        var rows = await database.ReadAsync(s => PageAsync(s, actor.AccountId, filter, before, limit + 1, ct), ct).ConfigureAwait(false);
        var items = rows.Take(limit).Select(r => r.ToView()).ToList();
        return new RecordPage(items, rows.Count > limit ? rows[limit - 1].Seq.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Streams every matching record, newest first, as CSV or JSON Lines.</summary>
    public async Task ExportAsync(Actor actor, RecordFilter filter, string format, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(output);
        var writer = RecordExport.For(format);
        await output.WriteAsync(writer.Header).ConfigureAwait(false);
        long? before = null;
        while (true)
        {
            var rows = await database.ReadAsync(s => PageAsync(s, actor.AccountId, filter, before, 1000, ct), ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                await output.WriteAsync(writer.Line(row.ToView())).ConfigureAwait(false);
            }

            if (rows.Count < 1000)
            {
                break;
            }

            before = rows[^1].Seq;
        }
    }

    private static async Task<List<RecordRow>> PageAsync(DbSession s, string accountId, RecordFilter f, long? before, int take, CancellationToken ct)
    {
        var where = new StringBuilder("account_id = @accountId");
        if (f.JobId is not null)
        {
            where.Append(" AND job_id = @JobId");
        }

        if (f.FactoryId is not null)
        {
            where.Append(" AND factory_id = @FactoryId");
        }

        if (f.StationId is not null)
        {
            where.Append(" AND station_id = @StationId");
        }

        if (f.Result is not null)
        {
            where.Append(" AND result = @result");
        }

        if (f.Serial is not null)
        {
            where.Append(" AND serial_key LIKE @serial");
        }

        if (f.From is not null)
        {
            where.Append(" AND finished_at >= @from");
        }

        if (f.To is not null)
        {
            where.Append(" AND finished_at < @to");
        }

        if (before is not null)
        {
            where.Append(" AND seq < @before");
        }

        var rows = await s.QueryAsync<RecordRow>($"SELECT {Columns} FROM records WHERE {where} ORDER BY seq DESC LIMIT @take",
            new
            {
                accountId, f.JobId, f.FactoryId, f.StationId, result = f.Result == UnitResult.Failure ? "failure" : "success",
                serial = f.Serial is { } v ? $"% {v.ToString(CultureInfo.InvariantCulture)} %" : null,
                from = Time.To(f.From), to = Time.To(f.To), before, take,
            }, ct).ConfigureAwait(false);
        return rows.ToList();
    }

    private static void ValidateRecord(ProgrammingRecord r, string field)
    {
        if (r is null)
        {
            throw CloudException.Invalid(field, "must not be null.");
        }

        Validate.Id($"{field}.id", r.Id);
        Validate.Id($"{field}.grantId", r.GrantId);
        if (r.UnitIndex < 0)
        {
            throw CloudException.Invalid($"{field}.unitIndex", $"is {r.UnitIndex}; it must not be negative.");
        }

        if (!Enum.IsDefined(r.Result))
        {
            throw CloudException.Invalid($"{field}.result", "must be success or failure.");
        }

        if (r.FinishedAt < r.StartedAt)
        {
            throw CloudException.Invalid($"{field}.finishedAt", $"{r.FinishedAt:O} is before startedAt {r.StartedAt:O}.");
        }

        Validate.Text($"{field}.failureStep", r.FailureStep, 200);
        Validate.Text($"{field}.failureMessage", r.FailureMessage, 2000);
        if ((r.CustomData?.Count ?? 0) + (r.DynamicData?.Count ?? 0) + (r.TestResults?.Count ?? 0) + (r.Steps?.Count ?? 0) > 256)
        {
            throw CloudException.Invalid(field, "carries more than 256 data, test and step entries.");
        }

        foreach (var (k, v) in (r.CustomData ?? new Dictionary<string, string>()).Concat(r.DynamicData ?? new Dictionary<string, string>()))
        {
            Validate.Name($"{field} data key", k, 100);
            Validate.Text($"{field}.{k}", v, 8192);
        }
    }

    private static Delta Get<TKey>(SortedDictionary<TKey, Delta> map, TKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var d))
        {
            map[key] = d = new Delta();
        }

        return d;
    }

    private sealed class Delta
    {
        public long Used { get; set; }

        public long Failed { get; set; }

        public long Reserved { get; set; }
    }

    private sealed class InsertedRow
    {
        public long Seq { get; set; }

        public string Id { get; set; } = "";
    }

    private sealed class UnitRow
    {
        public string GrantId { get; set; } = "";

        public long Idx { get; set; }

        public string JobId { get; set; } = "";

        public string StationId { get; set; } = "";

        public string Serials { get; set; } = "[]";
    }
}
