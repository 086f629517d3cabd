using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>Units programmed and failed in one hour.</summary>
/// <param name="Start">The hour's start (UTC).</param>
/// <param name="Programmed">Successful units that finished in the hour.</param>
/// <param name="Failed">Failed units that finished in the hour.</param>
public sealed record HourlyCount(DateTimeOffset Start, long Programmed, long Failed);

/// <summary>
/// The few reads the dashboard needs that the owner API did not have: a job by its image's unique
/// id (the stable "view online" link), one record by id, and units per hour. Like every service,
/// each query is confined to the actor's account.
/// </summary>
public sealed class DashboardQueries(CloudDatabase database)
{
    private const long HourMs = 3_600_000;

    /// <summary>Finds a job by its id or by its current image's unique id; a live job wins over a deleted one with the same image.</summary>
    public async Task<string> ResolveJobIdAsync(Actor actor, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(key);
        var id = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<string>(
            """
            SELECT id FROM jobs WHERE account_id = @AccountId AND (id = @key OR image_id = @key)
            ORDER BY CASE WHEN id = @key THEN 0 WHEN status <> 'deleted' THEN 1 ELSE 2 END, updated_at DESC, id
            LIMIT 1
            """, new { actor.AccountId, key }, ct), ct).ConfigureAwait(false);
        return id ?? throw CloudException.NotFound("Job", key);
    }

    /// <summary>Loads one record of the log.</summary>
    public async Task<RecordView> GetRecordAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var row = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<RecordRow>(
            $"SELECT {RecordService.Columns} FROM records WHERE account_id = @AccountId AND id = @id", new { actor.AccountId, id }, ct), ct).ConfigureAwait(false);
        return row?.ToView() ?? throw CloudException.NotFound("Record", id);
    }

    /// <summary>Counts units per hour for <paramref name="hours"/> whole hours from <paramref name="from"/> (rounded down to the hour), optionally for one job.</summary>
    public async Task<IReadOnlyList<HourlyCount>> HourlyAsync(Actor actor, DateTimeOffset from, int hours, string? jobId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hours);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, 24 * 31);
        var first = Math.DivRem(from.ToUnixTimeMilliseconds(), HourMs, out var rest) - (rest < 0 ? 1 : 0);
        var rows = await database.ReadAsync(s => s.QueryAsync<HourRow>(
            """
            SELECT finished_at / 3600000 AS hour,
                SUM(CASE WHEN result = 'success' THEN 1 ELSE 0 END) AS programmed,
                SUM(CASE WHEN result = 'failure' THEN 1 ELSE 0 END) AS failed
            FROM records
            WHERE account_id = @AccountId AND finished_at >= @start AND finished_at < @end AND (@jobId IS NULL OR job_id = @jobId)
            GROUP BY finished_at / 3600000
            """, new { actor.AccountId, start = first * HourMs, end = (first + hours) * HourMs, jobId }, ct), ct).ConfigureAwait(false);
        var byHour = rows.ToDictionary(r => r.Hour);
        return Enumerable.Range(0, hours).Select(i =>
        {
            var hour = first + i;
            return byHour.TryGetValue(hour, out var r)
                ? new HourlyCount(Time.From(hour * HourMs), r.Programmed, r.Failed)
                : new HourlyCount(Time.From(hour * HourMs), 0, 0);
        }).ToList();
    }

    /// <summary>Whether a dashboard session's credential still exists in its account and is not revoked.</summary>
    internal async Task<bool> IsCredentialLiveAsync(string accountId, string credentialId, CancellationToken ct) =>
        await database.ReadAsync(s => s.ScalarAsync<long>(
            "SELECT COUNT(*) FROM credentials WHERE id = @credentialId AND account_id = @accountId AND revoked_at IS NULL",
            new { accountId, credentialId }, ct), ct).ConfigureAwait(false) > 0;

    private sealed class HourRow
    {
        public long Hour { get; set; }

        public long Programmed { get; set; }

        public long Failed { get; set; }
    }
}
