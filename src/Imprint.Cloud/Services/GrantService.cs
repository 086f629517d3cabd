using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Projects;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>
/// Permission to program. One transaction checks the station, the job, the date window and the
/// count; reserves the count with an atomic conditional update; allocates serial numbers from the
/// account's pools (returned numbers first); and records the reserved units. No in-memory state:
/// several hosts on one database behave as one.
/// </summary>
public sealed partial class GrantService(CloudDatabase database, TimeProvider time, CloudSigningKey key, CloudOptions options)
{
    public async Task<SignedGrant> RequestAsync(StationIdentity station, GrantRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Units < 1 || request.Units > options.MaxUnitsPerGrant)
        {
            throw CloudException.Invalid("units", $"is {request.Units}; a grant covers 1 to {options.MaxUnitsPerGrant} units.");
        }

        if (request.JobId is null && request.ImageId is null)
        {
            throw CloudException.Invalid("jobId", "or imageId is required.");
        }

        // The common case: one round trip, together with the grants of the job in flight on this host,
        // when this host has granted from the job before.
        if (database.Dialect == SqlDialect.Postgres && _jobs.TryGetValue(JobKey(station, request), out var known))
        {
            if (await GrantTogetherAsync(station, request.Units, known).ConfigureAwait(false) is { } together)
            {
                return Sign(together);
            }

            // Some check refused (or the job changed): the full path below finds out which, in a
            // fresh transaction, and remembers the job again if it grants.
            _jobs.TryRemove(JobKey(station, request), out _);
        }

        // Every grant of a job updates the job's and its pools' rows. Were the commit to wait for
        // the disk, those row locks would be held through each flush and the grants of a job
        // would run one flush at a time; so the grant commits without waiting...
        Grant grant;
        try
        {
            grant = await database.WriteAsync(s => ReserveAsync(s, station, request, reclaimFirst: false, ct), flushOnCommit: false, ct).ConfigureAwait(false);
        }
        catch (ShortOfCount first) when (!first.Reclaimed)
        {
            // Expired reservations may be holding the count: try again in a fresh transaction that reclaims them first.
            try
            {
                grant = await database.WriteAsync(s => ReserveAsync(s, station, request, reclaimFirst: true, ct), flushOnCommit: false, ct).ConfigureAwait(false);
            }
            catch (ShortOfCount again)
            {
                throw await ExhaustedAsync(again.JobId, request.Units, ct).ConfigureAwait(false);
            }
        }
        catch (ShortOfCount exhausted)
        {
            throw await ExhaustedAsync(exhausted.JobId, request.Units, ct).ConfigureAwait(false);
        }

        // ...and before the station hears of it, this durable commit (which touches only the
        // station's own row) flushes the log past the grant's commit, together with the commits
        // of other grants in flight. A crash before this point loses at most grants nobody received.
        await StationService.MarkSeenDurablyAsync(database, station.StationId, time.Now(), ct).ConfigureAwait(false);
        return Sign(grant);
    }

    private SignedGrant Sign(Grant grant)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(grant, CloudJson.Options);
        return new SignedGrant(grant, Convert.ToBase64String(payload), key.Sign(payload), key.KeyId);
    }

    private static (string AccountId, string Key) JobKey(StationIdentity station, GrantRequest request) =>
        (station.AccountId, request.JobId ?? "image:" + request.ImageId);

    /// <summary>
    /// Returns reservations whose report-by time has passed: their count goes back to the job and
    /// their serial numbers to the pool's free list. Runs lazily inside the grant transaction when a
    /// job runs short, and from the background sweeper.
    /// </summary>
    public Task<int> ReclaimExpiredAsync(CancellationToken ct) =>
        database.WriteAsync(s => ReclaimAsync(s, null, time.Now(), ct), ct);

    internal static async Task RequireAuthorizedAsync(DbSession s, JobRow job, StationIdentity station, CancellationToken ct)
    {
        var row = await s.QuerySingleOrDefaultAsync<(string Status, string FactoryId, long Authorized)>(
            """
            SELECT st.status, st.factory_id, (SELECT COUNT(*) FROM job_stations js WHERE js.job_id = @JobId AND js.station_id = st.id) AS authorized
            FROM stations st WHERE st.id = @StationId AND st.account_id = @AccountId
            """, new { JobId = job.Id, station.StationId, station.AccountId }, ct).ConfigureAwait(false);
        CheckStation(job.Id, job.FactoryId, job.AllStations != 0, station.StationId, row.Status, row.FactoryId, row.Authorized);
    }

    private static void CheckStation(string jobId, string jobFactory, bool allStations, string stationId, string? status, string? stationFactory, long authorized)
    {
        StationService.RequireActive(status, stationId);
        if (stationFactory != jobFactory)
        {
            throw new CloudException(CloudErrorKind.Forbidden, "Station not authorized",
                $"Station '{stationId}' belongs to factory '{stationFactory}', but job '{jobId}' runs in factory '{jobFactory}'.");
        }

        if (!allStations && authorized == 0)
        {
            throw new CloudException(CloudErrorKind.Forbidden, "Station not authorized", $"Station '{stationId}' is not authorized for job '{jobId}'.");
        }
    }

    private async Task<Grant> ReserveAsync(DbSession s, StationIdentity station, GrantRequest request, bool reclaimFirst, CancellationToken ct)
    {
        var now = time.Now();
        var n = request.Units;
        var where = request.JobId is not null ? "j.id = @JobId" : "j.image_id = @ImageId AND j.status <> 'deleted'";
        var contextSql = $"""
            SELECT j.id, j.factory_id, j.image_id, j.revision, j.serials, j.max_count, j.valid_from, j.valid_until, j.per_station_cap, j.all_stations, j.status,
                st.status AS station_status, st.factory_id AS station_factory,
                (SELECT COUNT(*) FROM job_stations js WHERE js.job_id = j.id AND js.station_id = st.id) AS authorized,
                CASE WHEN EXISTS (SELECT 1 FROM serial_free f WHERE f.account_id = j.account_id) THEN 1 ELSE 0 END AS returned_serials
            FROM jobs j JOIN stations st ON st.id = @StationId AND st.account_id = j.account_id
            WHERE j.account_id = @AccountId AND {where}
            """;
        GrantContext? found;
        // The nonce (replay check) and the job's context travel in one round trip.
        var args = new { request.JobId, request.ImageId, station.StationId, station.AccountId, station.Nonce, station.NonceKeepUntil };
        await using (var grid = await s.QueryMultipleAsync(station.Nonce is null ? contextSql : StationService.NonceInsert + ";\n" + contextSql, args, ct).ConfigureAwait(false))
        {
            if (station.Nonce is not null)
            {
                StationService.RequireFresh(await grid.ReadSingleOrDefaultAsync<long?>().ConfigureAwait(false), station);
            }

            found = await grid.ReadSingleOrDefaultAsync<GrantContext>().ConfigureAwait(false);
        }

        var job = found ?? throw CloudException.NotFound("Job", request.JobId ?? request.ImageId!);

        CheckStation(job.Id, job.FactoryId, job.AllStations != 0, station.StationId, job.StationStatus, job.StationFactory, job.Authorized);
        RequireActive(job.Id, job.Status);
        if (job.ValidFrom is { } from && now < from)
        {
            throw new CloudException(CloudErrorKind.Conflict, "Job not yet valid", $"Job '{job.Id}' may not be programmed before {Time.From(from):u}.");
        }

        if (job.ValidUntil is { } until && now > until)
        {
            throw new CloudException(CloudErrorKind.Conflict, "Job expired", $"Job '{job.Id}' may not be programmed after {Time.From(until):u}.");
        }

        if (job.PerStationCap is { } cap && n > cap)
        {
            throw new CloudException(CloudErrorKind.Conflict, "Station cap reached", $"Job '{job.Id}' allows {cap} units per station; {n} were asked for in one grant.");
        }

        // Rows every grant of the job contends for (the job's counters, the pools) are locked as
        // late as possible, so the time they are held is a few statements and the commit.
        var reclaimed = false;
        if (reclaimFirst)
        {
            reclaimed = true;
            await ReclaimAsync(s, job.Id, now, ct).ConfigureAwait(false);
        }

        // Without a per-station cap the station's usage row cannot refuse, so it is updated with the job's row, in the same round trip.
        if (job.PerStationCap is not null && !await TryReserveStationAsync(s, job.Id, station.StationId, n, job.PerStationCap, ct).ConfigureAwait(false))
        {
            if (!reclaimed)
            {
                reclaimed = true;
                await ReclaimAsync(s, job.Id, now, ct).ConfigureAwait(false);
            }

            if (!await TryReserveStationAsync(s, job.Id, station.StationId, n, job.PerStationCap, ct).ConfigureAwait(false))
            {
                throw new CloudException(CloudErrorKind.Conflict, "Station cap reached",
                    $"Station '{station.StationId}' has reached the cap of {job.PerStationCap} units for job '{job.Id}'.");
            }
        }

        var definitions = Json.Read<List<SerialDefinition>>(job.Serials, []);
        var ordered = definitions.OrderBy(d => d.Pool, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        var returned = new List<long>[ordered.Count];
        for (var d = 0; d < ordered.Count; d++)
        {
            // Values returned by others after the context was read wait for the next grant: reuse need not be immediate.
            returned[d] = job.ReturnedSerials == 0 && !reclaimed ? [] : await TakeReturnedAsync(s, station.AccountId, ordered[d].Pool, n, ct).ConfigureAwait(false);
        }

        var grantId = Ids.New("grt");
        var expires = now + (long)options.GrantLifetime.TotalMilliseconds;
        var reclaimAt = expires + (long)options.ResultGrace.TotalMilliseconds;
        var bases = await ReserveAndInsertAsync(s, grantId, station, job, definitions, ordered, returned, n, now, expires, reclaimAt, ct).ConfigureAwait(false);
        if (bases is null)
        {
            throw new ShortOfCount(job.Id, reclaimed);
        }

        // Remember the job for the one-round-trip path; a job with a per-station cap needs the full one.
        var jobKey = JobKey(station, request);
        if (job.PerStationCap is null)
        {
            if (_jobs.Count >= MaxKnownJobs)
            {
                _jobs.Clear();
            }

            _jobs[jobKey] = new KnownJob(job.Id, job.Revision, job.FactoryId, job.ImageId, definitions, ordered);
        }
        else
        {
            _jobs.TryRemove(jobKey, out _);
        }

        return ToGrant(grantId, station, job, definitions, ordered, returned, bases, n, now, expires, reclaimAt);
    }

    private static Grant ToGrant(string grantId, StationIdentity station, GrantContext job, List<SerialDefinition> definitions, List<SerialDefinition> ordered,
        List<long>[] returned, long[] bases, int n, long now, long expires, long reclaimAt)
    {
        var position = ordered.Select((d, i) => (d, i)).ToDictionary(x => x.d.Name, x => x.i, StringComparer.Ordinal);
        var grantUnits = Enumerable.Range(0, n).Select(i => new GrantUnit(i, [.. definitions.Select(d =>
        {
            var x = position[d.Name];
            var (literal, poolBase) = ValueOf(i, returned[x], bases[x], (long)d.Step);
            return new SerialValue(d.Name, d.Pool, literal + poolBase);
        })])).ToList();
        return new Grant(grantId, station.AccountId, job.FactoryId, station.StationId, job.Id, job.ImageId, grantUnits,
            Time.From(now), Time.From(expires), Time.From(reclaimAt));
    }

    /// <summary>Why a job could not reserve: read after the failed transaction (on PostgreSQL it is aborted by then).</summary>
    private async Task<CloudException> ExhaustedAsync(string jobId, int n, CancellationToken ct)
    {
        var current = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<(string Status, long Used, long Reserved, long? MaxCount)>(
            "SELECT status, used, reserved, max_count FROM jobs WHERE id = @jobId", new { jobId }, ct), ct).ConfigureAwait(false);
        RequireActive(jobId, current.Status);
        var left = Math.Max(0, (current.MaxCount ?? 0) - current.Used - current.Reserved);
        return new CloudException(CloudErrorKind.Conflict, "Count exhausted",
            $"Job '{jobId}' has {left} of {current.MaxCount} units left ({current.Used} programmed, {current.Reserved} reserved); {n} were asked for.");
    }

    /// <summary>Unit i takes the i-th returned value, else the pool's new values in order: (literal, whether the pool base is added).</summary>
    private static (long Value, long Base) ValueOf(int i, List<long> returned, long poolBase, long step) =>
        i < returned.Count ? (returned[i], 0) : ((i - returned.Count) * step, poolBase);

    /// <summary>
    /// The part of a grant every grant of the job contends for, sent as ONE round trip so the
    /// job's and the pools' row locks are held only for it and the commit: reserve the count
    /// (conditional update), advance each pool, insert the units with serial numbers computed by
    /// the database from the advanced pool rows. Returns each pool's first new value (in
    /// <paramref name="ordered"/> order), or <see langword="null"/> when the count did not allow
    /// the reservation (the caller then rolls back: the other statements' effects are discarded).
    /// </summary>
    private static async Task<long[]?> ReserveAndInsertAsync(DbSession s, string grantId, StationIdentity station, GrantContext job,
        List<SerialDefinition> definitions, List<SerialDefinition> ordered, List<long>[] returned, int n, long now, long expires, long reclaimAt, CancellationToken ct)
    {
        var p = new BatchParameters();
        p.Add("n", n);
        p.Add("grantId", grantId);
        p.Add("AccountId", station.AccountId);
        p.Add("FactoryId", job.FactoryId);
        p.Add("JobId", job.Id);
        p.Add("ImageId", job.ImageId);
        p.Add("StationId", station.StationId);
        p.Add("now", now);
        p.Add("expires", expires);
        p.Add("reclaimAt", reclaimAt);
        const string reserve = "UPDATE jobs SET reserved = reserved + @n WHERE id = @JobId AND status = 'active' AND (max_count IS NULL OR used + reserved + @n <= max_count) RETURNING 1";
        // PostgreSQL runs these statements and the COMMIT in one round trip, so a short count must
        // stop the statements after it: the division by zero aborts the transaction when the
        // job's row was not updated. SQLite's caller sees no row and rolls back.
        var sql = new StringBuilder(s.Dialect == SqlDialect.Postgres ? $"WITH reserved AS ({reserve}) SELECT 1 / COUNT(*) FROM reserved;\n" : reserve + ";\n");

        var fresh = new long[ordered.Count];
        for (var d = 0; d < ordered.Count; d++)
        {
            fresh[d] = n - returned[d].Count;
            p.Add($"pool{d}", ordered[d].Pool);
            p.Add($"start{d}", (long)ordered[d].Start);
            p.Add($"step{d}", (long)ordered[d].Step);
            p.Add($"k{d}", fresh[d]);
            if (fresh[d] > 0)
            {
                // Pools are advanced in name order so two grants never wait on each other's pools crosswise.
                sql.Append(CultureInfo.InvariantCulture,
                    $"UPDATE serial_pools SET next_value = (CASE WHEN next_value < @start{d} THEN @start{d} ELSE next_value END) + @step{d} * @k{d} WHERE account_id = @AccountId AND name = @pool{d} RETURNING next_value;\n");
            }
        }

        var columns = string.Concat(Enumerable.Range(0, ordered.Count).Select(d => $", a{d}, u{d}"));
        sql.Append(CultureInfo.InvariantCulture, $"WITH v (idx{columns}) AS (VALUES ");
        for (var i = 0; i < n; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@x{i}");
            p.Add($"x{i}", i);
            for (var d = 0; d < ordered.Count; d++)
            {
                var (literal, usesBase) = ValueOf(i, returned[d], 1, (long)ordered[d].Step);
                sql.Append(CultureInfo.InvariantCulture, $", @a{i}_{d}, @u{i}_{d}");
                p.Add($"a{i}_{d}", literal);
                p.Add($"u{i}_{d}", usesBase);
            }

            sql.Append(')');
        }

        var (serialsSql, keySql) = UnitSerialsSql(definitions, ordered, p, d => fresh[d] > 0 ? $"CAST(v.a{d} + v.u{d} * p{d}.b AS TEXT)" : $"CAST(v.a{d} AS TEXT)");
        sql.Append(CultureInfo.InvariantCulture, $"""
            )
            INSERT INTO grant_units (grant_id, idx, account_id, factory_id, job_id, image_id, station_id, state, issued_at, expires_at, reclaim_at, serials, serial_key)
            SELECT @grantId, v.idx, @AccountId, @FactoryId, @JobId, @ImageId, @StationId, 'reserved', @now, @expires, @reclaimAt, {serialsSql}, {keySql}
            FROM v
            """);
        for (var d = 0; d < ordered.Count; d++)
        {
            if (fresh[d] > 0)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $" CROSS JOIN (SELECT next_value - @step{d} * @k{d} AS b FROM serial_pools WHERE account_id = @AccountId AND name = @pool{d}) p{d}");
            }
        }

        sql.Append(" RETURNING idx");
        if (job.PerStationCap is null)
        {
            // Cannot refuse without a cap. Last, so the rows read above are the statements' in order;
            // after the job's row, the order the reclaim locks them in.
            sql.Append(";\n").Append(ReserveStation);
            p.Add("stationId", station.StationId);
            p.Add("cap", (long?)null);
        }
        try
        {
            await using var grid = await s.QueryMultipleThenCommitAsync(sql.ToString(), p, afterCommit: null, ct).ConfigureAwait(false);
            return await ReadReservationAsync(grid, station, ordered, fresh, n, grantId).ConfigureAwait(false);
        }
        catch (DbException ex) when (ex.SqlState == DivisionByZero)
        {
            return null;
        }
    }

    /// <summary>
    /// The SQL expressions of a unit's <c>serials</c> (JSON) and <c>serial_key</c> columns, given
    /// the SQL of each pool's value (<paramref name="valueSql"/>, by position in <paramref name="ordered"/>).
    /// </summary>
    private static (string Serials, string Key) UnitSerialsSql(List<SerialDefinition> definitions, List<SerialDefinition> ordered, BatchParameters p, Func<int, string> valueSql)
    {
        if (definitions.Count == 0)
        {
            return ("'[]'", "' '");
        }

        var position = ordered.Select((d, i) => (d, i)).ToDictionary(x => x.d.Name, x => x.i, StringComparer.Ordinal);
        var serials = "'[' || " + string.Join(" || ',' || ", definitions.Select(def =>
        {
            var d = position[def.Name];
            p.Add($"j{d}", JsonSerializer.Serialize(new SerialValue(def.Name, def.Pool, 0), CloudJson.Options)[..^2]);
            return $"@j{d} || {valueSql(d)} || '}}'";
        })) + " || ']'";
        var key = "' ' || " + string.Join(" || ' ' || ", definitions.Select(def => valueSql(position[def.Name]))) + " || ' '";
        return (serials, key);
    }

    private static async Task<long[]?> ReadReservationAsync(SqlMapper.GridReader grid, StationIdentity station, List<SerialDefinition> ordered, long[] fresh, int n, string grantId)
    {
        if (await grid.ReadSingleOrDefaultAsync<long?>().ConfigureAwait(false) is null)
        {
            return null;
        }

        var bases = new long[ordered.Count];
        for (var d = 0; d < ordered.Count; d++)
        {
            if (fresh[d] > 0)
            {
                var next = await grid.ReadSingleOrDefaultAsync<long?>().ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Serial pool '{ordered[d].Pool}' of account '{station.AccountId}' is missing; pools are created with the jobs that name them.");
                bases[d] = next - ((long)ordered[d].Step * fresh[d]);
            }
        }

        var inserted = (await grid.ReadAsync<long>().ConfigureAwait(false)).Count();
        return inserted == n ? bases : throw new InvalidOperationException($"Grant {grantId}: {inserted} of {n} units were inserted.");
    }

    private static void RequireActive(string jobId, string status)
    {
        if (status != "active")
        {
            throw new CloudException(CloudErrorKind.Conflict, "Job not active", $"Job '{jobId}' is {status}; no units are granted.");
        }
    }

    // Jobs this host has granted from, by account and job id (or image id): what a grant in one round trip needs.
    private readonly ConcurrentDictionary<(string AccountId, string Key), KnownJob> _jobs = new();

    private const int MaxKnownJobs = 10_000;

    private sealed record KnownJob(string Id, long Revision, string FactoryId, string ImageId, List<SerialDefinition> Definitions, List<SerialDefinition> Ordered);

    /// <summary>A batch of grants together was refused by one of its checks.</summary>
    private sealed class NotInOneRoundTrip : Exception;

    private const string ReserveStation = """
        INSERT INTO job_station_usage (job_id, station_id, used, reserved) VALUES (@JobId, @stationId, 0, @n)
        ON CONFLICT (job_id, station_id) DO UPDATE SET reserved = job_station_usage.reserved + @n
        WHERE @cap IS NULL OR job_station_usage.used + job_station_usage.reserved + @n <= @cap
        """;

    private static async Task<bool> TryReserveStationAsync(DbSession s, string jobId, string stationId, int n, long? cap, CancellationToken ct) =>
        await s.ExecuteAsync(ReserveStation, new { JobId = jobId, stationId, n = (long)n, cap }, ct).ConfigureAwait(false) == 1;

    /// <summary>Takes up to <paramref name="n"/> returned values of a pool (reused before new ones).</summary>
    private static async Task<List<long>> TakeReturnedAsync(DbSession s, string accountId, string pool, int n, CancellationToken ct) =>
        (await s.QueryAsync<long>(
            """
            DELETE FROM serial_free WHERE account_id = @accountId AND pool = @pool AND value IN
                (SELECT value FROM serial_free WHERE account_id = @accountId AND pool = @pool ORDER BY value LIMIT @n {skip_locked})
            RETURNING value
            """, new { accountId, pool, n }, ct).ConfigureAwait(false)).Order().ToList();

    private const string SkipLocked = "{skip_locked}";

    internal async Task<int> ReclaimAsync(DbSession s, string? jobId, long now, CancellationToken ct)
    {
        // Rows another transaction holds (a result being committed) are skipped, not waited for.
        var expired = (await s.QueryAsync<ExpiredUnit>(
            $"""
            UPDATE grant_units SET state = 'expired'
            WHERE (grant_id, idx) IN (SELECT grant_id, idx FROM grant_units WHERE state = 'reserved' AND reclaim_at <= @now
                {(jobId is null ? "" : "AND job_id = @jobId")} ORDER BY reclaim_at LIMIT 1000 {SkipLocked})
            RETURNING account_id, job_id, station_id, serials
            """, new { now, jobId }, ct).ConfigureAwait(false)).ToList();
        if (expired.Count == 0)
        {
            return 0;
        }

        foreach (var group in expired.GroupBy(u => u.JobId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            await s.ExecuteAsync("UPDATE jobs SET reserved = reserved - @n WHERE id = @job", new { n = (long)group.Count(), job = group.Key }, ct).ConfigureAwait(false);
            foreach (var perStation in group.GroupBy(u => u.StationId).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                await s.ExecuteAsync("UPDATE job_station_usage SET reserved = reserved - @n WHERE job_id = @job AND station_id = @station",
                    new { n = (long)perStation.Count(), job = group.Key, station = perStation.Key }, ct).ConfigureAwait(false);
            }
        }

        var free = expired.SelectMany(u => Json.Read<List<SerialValue>>(u.Serials, []).Select(v => (u.AccountId, v.Pool, v.Value))).ToList();
        await ReturnSerialsAsync(s, free, ct).ConfigureAwait(false);
        return expired.Count;
    }

    internal static async Task ReturnSerialsAsync(DbSession s, IReadOnlyList<(string AccountId, string Pool, long Value)> values, CancellationToken ct)
    {
        foreach (var chunk in values.OrderBy(v => v.AccountId, StringComparer.Ordinal).ThenBy(v => v.Pool, StringComparer.Ordinal).ThenBy(v => v.Value).Chunk(s.BatchRows(3)))
        {
            var sql = new StringBuilder("INSERT INTO serial_free (account_id, pool, value) VALUES ");
            var p = new BatchParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@a{i}, @p{i}, @v{i})");
                p.Add("a" + i, chunk[i].AccountId);
                p.Add("p" + i, chunk[i].Pool);
                p.Add("v" + i, chunk[i].Value);
            }

            sql.Append(" ON CONFLICT (account_id, pool, value) DO NOTHING");
            await s.ExecuteAsync(sql.ToString(), p, ct).ConfigureAwait(false);
        }
    }

    private const string DivisionByZero = "22012";

    /// <summary>The job's count did not allow the reservation; the second argument tells whether expired reservations had been reclaimed first.</summary>
    private sealed class ShortOfCount(string jobId, bool reclaimed) : Exception
    {
        public string JobId { get; } = jobId;

        public bool Reclaimed { get; } = reclaimed;
    }

    private sealed class GrantContext
    {
        public string Id { get; set; } = "";

        public string FactoryId { get; set; } = "";

        public string ImageId { get; set; } = "";

        public long Revision { get; set; }

        public string Serials { get; set; } = "[]";

        public long? MaxCount { get; set; }

        public long? ValidFrom { get; set; }

        public long? ValidUntil { get; set; }

        public long? PerStationCap { get; set; }

        public long AllStations { get; set; }

        public string Status { get; set; } = "";

        public string StationStatus { get; set; } = "";

        public string StationFactory { get; set; } = "";

        public long Authorized { get; set; }

        public long ReturnedSerials { get; set; }
    }

    private sealed class ExpiredUnit
    {
        public string AccountId { get; set; } = "";

        public string JobId { get; set; } = "";

        public string StationId { get; set; } = "";

        public string Serials { get; set; } = "[]";
    }
}
