using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>
/// Grants requested at the same time for the same job, granted together (PostgreSQL): what group
/// commit does for log flushes, done for the whole grant. A request that finds no transaction of
/// its job running on this host starts one at once; requests arriving meanwhile wait for it and
/// then go together in the next, one reservation of their sum, one advance per pool, one insert
/// of all units. Under load a job's row is then locked once per batch instead of once per grant;
/// alone, a request waits for nothing. Every check is still made by the database for every
/// request (the same conditions as the full path, for each station), and if any request of a batch is
/// refused the whole batch is rolled back and each request takes the full path on its own.
/// </summary>
public sealed partial class GrantService
{
    // Requests (at most this many, and this many units) share one transaction.
    private const int MaxTogether = 64;
    private const int MaxUnitsTogether = 4000;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>A grant together with the other requests of its job in flight; <see langword="null"/> when the batch was refused.</summary>
    private async Task<Grant?> GrantTogetherAsync(StationIdentity station, int units, KnownJob known)
    {
        var request = new Together(station, units, known, new TaskCompletionSource<Grant?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_lanes.Count >= MaxKnownJobs)
        {
            // Forgetting a running lane is harmless: its job then runs two lanes for a while, whose
            // batches the database orders like any two transactions.
            _lanes.Clear();
        }

        var lane = _lanes.GetOrAdd(known.Id, _ => new Lane());
        bool lead;
        lock (lane)
        {
            lane.Waiting.Add(request);
            lead = !lane.Running;
            lane.Running = true;
        }

        if (lead)
        {
            // The batches run apart from any one HTTP request, so that none waits for the others' batches or is cancelled with them.
            _ = Task.Run(() => RunLaneAsync(lane));
        }

        return await request.Done.Task.ConfigureAwait(false);
    }

    private async Task RunLaneAsync(Lane lane)
    {
        while (true)
        {
            List<Together> batch = [];
            lock (lane)
            {
                var units = 0;
                while (lane.Waiting.Count > 0 && batch.Count < MaxTogether && (batch.Count == 0 || units + lane.Waiting[0].Units <= MaxUnitsTogether))
                {
                    units += lane.Waiting[0].Units;
                    batch.Add(lane.Waiting[0]);
                    lane.Waiting.RemoveAt(0);
                }

                if (batch.Count == 0)
                {
                    lane.Running = false;
                    return;
                }
            }

            try
            {
                // What this host learned of the job last (a batch of a changed job is refused anyway, and each request then takes the full path).
                var known = batch[^1].Known;
                var grants = await database.WriteAsync(s => ReserveTogetherAsync(s, batch, known, CancellationToken.None), flushOnCommit: false, CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(grants[i]);
                }
            }
            catch (NotInOneRoundTrip)
            {
                batch.ForEach(r => r.Done.TrySetResult(null));
            }
            catch (Exception ex)
            {
                batch.ForEach(r => r.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>
    /// One round trip for a batch: the nonces, the reservation of the batch's units with every
    /// check for each station, the pools, the units, the stations' usage rows, the asynchronous
    /// commit and the durable last-seen write of the batch's stations.
    /// </summary>
    private async Task<Grant[]> ReserveTogetherAsync(DbSession s, List<Together> batch, KnownJob known, CancellationToken ct)
    {
        var now = time.Now();
        var expires = now + (long)options.GrantLifetime.TotalMilliseconds;
        var reclaimAt = expires + (long)options.ResultGrace.TotalMilliseconds;
        var total = batch.Sum(r => (long)r.Units);
        var stations = batch.Select(r => r.Station.StationId).Distinct(StringComparer.Ordinal).ToArray();
        var withNonce = batch.Where(r => r.Station.Nonce is not null).ToList();
        var grantIds = batch.Select(_ => Ids.New("grt")).ToArray();
        var p = new BatchParameters();
        p.Add("total", total);
        p.Add("AccountId", batch[0].Station.AccountId);
        p.Add("FactoryId", known.FactoryId);
        p.Add("JobId", known.Id);
        p.Add("ImageId", known.ImageId);
        p.Add("Revision", known.Revision);
        p.Add("now", now);
        p.Add("expires", expires);
        p.Add("reclaimAt", reclaimAt);
        p.AddArray("stations", stations);
        p.Add("stationCount", stations.Length);

        var sql = new StringBuilder();
        if (withNonce.Count > 0)
        {
            // A replay (or a nonce twice in the batch) leaves fewer rows than nonces: the division aborts the batch.
            p.AddArray("nStations", withNonce.Select(r => r.Station.StationId).ToArray());
            p.AddArray("nNonces", withNonce.Select(r => r.Station.Nonce!).ToArray());
            p.AddArray("nUntil", withNonce.Select(r => r.Station.NonceKeepUntil).ToArray());
            p.Add("nonceCount", withNonce.Count);
            sql.Append("""
                WITH used AS (INSERT INTO station_nonces (station_id, nonce, expires_at) SELECT * FROM unnest(@nStations, @nNonces, @nUntil)
                    ON CONFLICT (station_id, nonce) DO NOTHING RETURNING 1)
                SELECT 1 / (CASE WHEN COUNT(*) = @nonceCount THEN 1 ELSE 0 END) FROM used;

                """);
        }

        sql.Append("""
            WITH reserved AS (UPDATE jobs SET reserved = reserved + @total WHERE id = @JobId AND status = 'active' AND (max_count IS NULL OR used + reserved + @total <= max_count)
                AND account_id = @AccountId AND revision = @Revision AND per_station_cap IS NULL
                AND (valid_from IS NULL OR valid_from <= @now) AND (valid_until IS NULL OR valid_until >= @now)
                AND (SELECT COUNT(*) FROM stations st WHERE st.id = ANY(@stations) AND st.account_id = jobs.account_id AND st.status = 'active' AND st.factory_id = jobs.factory_id
                    AND (jobs.all_stations <> 0 OR EXISTS (SELECT 1 FROM job_stations js WHERE js.job_id = jobs.id AND js.station_id = st.id))) = @stationCount
                AND NOT EXISTS (SELECT 1 FROM serial_free f WHERE f.account_id = jobs.account_id)
                RETURNING 1)
            SELECT 1 / COUNT(*) FROM reserved;

            """);
        var ordered = known.Ordered;
        for (var d = 0; d < ordered.Count; d++)
        {
            // Pools in name order, as everywhere.
            p.Add($"pool{d}", ordered[d].Pool);
            p.Add($"start{d}", (long)ordered[d].Start);
            p.Add($"step{d}", (long)ordered[d].Step);
            sql.Append(CultureInfo.InvariantCulture,
                $"UPDATE serial_pools SET next_value = (CASE WHEN next_value < @start{d} THEN @start{d} ELSE next_value END) + @step{d} * @total WHERE account_id = @AccountId AND name = @pool{d} RETURNING next_value;\n");
        }

        // Each unit's position in the batch; unit k of the batch takes each pool's first new value + k steps.
        var unitGrants = new List<string>();
        var unitIdx = new List<long>();
        var unitStations = new List<string>();
        for (var r = 0; r < batch.Count; r++)
        {
            for (var i = 0; i < batch[r].Units; i++)
            {
                unitGrants.Add(grantIds[r]);
                unitIdx.Add(i);
                unitStations.Add(batch[r].Station.StationId);
            }
        }

        p.AddArray("uGrant", unitGrants.ToArray());
        p.AddArray("uIdx", unitIdx.ToArray());
        p.AddArray("uStation", unitStations.ToArray());
        var (serialsSql, keySql) = UnitSerialsSql(known.Definitions, ordered, p, d => $"CAST(p{d}.b + (u.k - 1) * @step{d} AS TEXT)");
        sql.Append(CultureInfo.InvariantCulture, $"""
            INSERT INTO grant_units (grant_id, idx, account_id, factory_id, job_id, image_id, station_id, state, issued_at, expires_at, reclaim_at, serials, serial_key)
            SELECT u.grant_id, u.idx, @AccountId, @FactoryId, @JobId, @ImageId, u.station_id, 'reserved', @now, @expires, @reclaimAt, {serialsSql}, {keySql}
            FROM unnest(@uGrant, @uIdx, @uStation) WITH ORDINALITY AS u (grant_id, idx, station_id, k)
            """);
        for (var d = 0; d < ordered.Count; d++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" CROSS JOIN (SELECT next_value - @step{d} * @total AS b FROM serial_pools WHERE account_id = @AccountId AND name = @pool{d}) p{d}");
        }

        sql.Append(" RETURNING 1;\n");
        var usage = batch.GroupBy(r => r.Station.StationId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        p.AddArray("usStations", usage.Select(g => g.Key).ToArray());
        p.AddArray("usUnits", usage.Select(g => g.Sum(r => (long)r.Units)).ToArray());
        sql.Append("""
            INSERT INTO job_station_usage (job_id, station_id, used, reserved) SELECT @JobId, x.station_id, 0, x.units FROM unnest(@usStations, @usUnits) AS x (station_id, units)
            ON CONFLICT (job_id, station_id) DO UPDATE SET reserved = job_station_usage.reserved + EXCLUDED.reserved
            """);

        long[] bases;
        try
        {
            await using var grid = await s.QueryMultipleThenCommitAsync(sql.ToString(), p,
                "UPDATE stations SET last_seen_at = @now WHERE id = ANY(@stations)", ct).ConfigureAwait(false);
            if (withNonce.Count > 0)
            {
                await grid.ReadSingleAsync<long>().ConfigureAwait(false);
            }

            await grid.ReadSingleAsync<long>().ConfigureAwait(false);
            bases = new long[ordered.Count];
            for (var d = 0; d < ordered.Count; d++)
            {
                var next = await grid.ReadSingleOrDefaultAsync<long?>().ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Serial pool '{ordered[d].Pool}' of account '{batch[0].Station.AccountId}' is missing; pools are created with the jobs that name them.");
                bases[d] = next - ((long)ordered[d].Step * total);
            }

            var inserted = (await grid.ReadAsync<int>().ConfigureAwait(false)).Count();
            if (inserted != total)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} grants inserted {inserted} of {total} units.");
            }
        }
        catch (DbException ex) when (ex.SqlState == DivisionByZero)
        {
            throw new NotInOneRoundTrip();
        }

        var job = new GrantContext { Id = known.Id, FactoryId = known.FactoryId, ImageId = known.ImageId, Revision = known.Revision };
        var none = ordered.Select(_ => new List<long>()).ToArray();
        var grants = new Grant[batch.Count];
        long offset = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            // This request's units follow the ones before it in the batch.
            var shifted = bases.Select((b, d) => b + (offset * (long)ordered[d].Step)).ToArray();
            grants[r] = ToGrant(grantIds[r], batch[r].Station, job, known.Definitions, ordered, none, shifted, batch[r].Units, now, expires, reclaimAt);
            offset += batch[r].Units;
        }

        return grants;
    }

    private sealed record Together(StationIdentity Station, int Units, KnownJob Known, TaskCompletionSource<Grant?> Done);

    /// <summary>The requests of one job waiting on this host, and whether a batch of it is running.</summary>
    private sealed class Lane
    {
        public List<Together> Waiting { get; } = [];

        public bool Running { get; set; }
    }
}
