using Imprint.Cloud.Blobs;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Projects;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>Jobs: the cloud side of cloud-connected images.</summary>
public sealed class JobService(CloudDatabase database, TimeProvider time, IBlobStore blobs, IImageInspector inspector, CloudOptions options)
{
    public async Task<JobView> RegisterAsync(Actor actor, RegisterJobRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireJobs("register jobs");
        var factoryId = Validate.Id("factoryId", request.FactoryId);
        var imageId = Validate.Id("imageId", request.ImageId);
        var name = Validate.Name("name", request.Name);
        var description = Validate.Text("description", request.Description);
        var device = Validate.Text("device", request.Device, 200);
        var sha = Validate.Sha256("imageSha256", request.ImageSha256);
        var serials = ValidateSerials(request.Serials ?? []);
        var restrictions = ValidateRestrictions(request.Restrictions ?? new JobRestrictions());
        var buildInfo = ValidateBuildInfo(request.BuildInfo);
        var stationIds = (request.StationIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        return await database.WriteAsync(async s =>
        {
            await FactoryService.LockAsync(s, actor.AccountId, factoryId, ct).ConfigureAwait(false);
            await EnsureImageFreeAsync(s, actor.AccountId, imageId, null, ct).ConfigureAwait(false);
            await CheckStationsAsync(s, actor.AccountId, factoryId, stationIds, ct).ConfigureAwait(false);
            var id = Ids.New("job");
            var now = time.Now();
            await s.ExecuteAsync(
                $"""
                INSERT INTO jobs ({JobRow.Columns}) VALUES (@id, @AccountId, @factoryId, @imageId, 1, @name, @description, @device, @sha, @serials,
                    @MaxCount, @validFrom, @validUntil, @PerStationCap, @buildInfo, @encrypted, @burn, @all, 'active', 0, 0, 0, NULL, @now, @now)
                """,
                new
                {
                    id, actor.AccountId, factoryId, imageId, name, description, device, sha, serials = Json.Write(serials),
                    restrictions.MaxCount, validFrom = Time.To(restrictions.ValidFrom), validUntil = Time.To(restrictions.ValidUntil), restrictions.PerStationCap,
                    buildInfo = Json.Write(buildInfo), encrypted = request.Encrypted ? 1 : 0, burn = request.BurnFailedSerials ? 1 : 0,
                    all = request.AllStations ? 1 : 0, now,
                }, ct).ConfigureAwait(false);
            await ReplaceStationsAsync(s, id, request.AllStations ? [] : stationIds, ct).ConfigureAwait(false);
            await EnsurePoolsAsync(s, actor.AccountId, serials, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job.register", id, $"{name} (image {imageId}) in {factoryId}", ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JobView>> ListAsync(Actor actor, string? factoryId, bool includeDeleted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await database.ReadAsync(async s =>
        {
            if (factoryId is not null)
            {
                await FactoryService.GetAsync(s, actor.AccountId, factoryId, ct).ConfigureAwait(false);
            }

            var jobs = (await s.QueryAsync<JobRow>(
                $"SELECT {JobRow.Columns} FROM jobs WHERE account_id = @AccountId AND (@factoryId IS NULL OR factory_id = @factoryId) AND (@includeDeleted = 1 OR status <> 'deleted') ORDER BY created_at, id",
                new { actor.AccountId, factoryId, includeDeleted = includeDeleted ? 1 : 0 }, ct).ConfigureAwait(false)).ToList();
            var links = (await s.QueryAsync<(string JobId, string StationId)>(
                "SELECT js.job_id, js.station_id FROM job_stations js JOIN jobs j ON j.id = js.job_id WHERE j.account_id = @AccountId ORDER BY js.station_id",
                new { actor.AccountId }, ct).ConfigureAwait(false)).ToLookup(l => l.JobId, l => l.StationId);
            return (IReadOnlyList<JobView>)jobs.Select(j => j.ToView(links[j.Id].ToList())).ToList();
        }, ct).ConfigureAwait(false);
    }

    public async Task<JobView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await database.ReadAsync(s => ViewAsync(s, actor.AccountId, id, ct), ct).ConfigureAwait(false);
    }

    public async Task<JobCounters> CountersAsync(Actor actor, string id, CancellationToken ct) => (await GetAsync(actor, id, ct).ConfigureAwait(false)).Counters;

    /// <summary>Applies pause, resume, disable, restart or delete; takes effect for the next grant request on any host.</summary>
    public async Task<JobView> ChangeStatusAsync(Actor actor, string id, string action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        var (target, from) = action switch
        {
            "pause" => (JobStatus.Paused, new[] { JobStatus.Active }),
            "resume" => (JobStatus.Active, [JobStatus.Paused]),
            "disable" => (JobStatus.Disabled, [JobStatus.Active, JobStatus.Paused]),
            "restart" => (JobStatus.Active, [JobStatus.Disabled, JobStatus.Paused]),
            "delete" => (JobStatus.Deleted, [JobStatus.Active, JobStatus.Paused, JobStatus.Disabled]),
            _ => throw CloudException.Invalid("action", $"'{action}' is not one of pause, resume, disable, restart, delete."),
        };
        actor.RequireJobs(action + " jobs");
        return await database.WriteAsync(async s =>
        {
            var now = time.Now();
            var allowed = from.Select(Roles.Write).ToArray();
            var changed = await s.ExecuteAsync(
                $"UPDATE jobs SET status = @status, updated_at = @now WHERE id = @id AND account_id = @AccountId AND status IN ({string.Join(", ", allowed.Select(a => $"'{a}'"))})",
                new { status = Roles.Write(target), now, id, actor.AccountId }, ct).ConfigureAwait(false);
            var job = await LoadAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
            if (changed == 0)
            {
                if (job.JobStatus == target)
                {
                    return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
                }

                throw new CloudException(CloudErrorKind.Conflict, "Job status conflict",
                    $"Job '{id}' is {job.Status}; {action} applies only to a job that is {string.Join(" or ", allowed)}.");
            }

            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job." + action, id, job.Name, ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<JobView> ReviseAsync(Actor actor, string id, JobRevisionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireJobs("update jobs");
        var imageId = Validate.Id("imageId", request.ImageId);
        var sha = Validate.Sha256("imageSha256", request.ImageSha256);
        var serials = request.Serials is null ? null : ValidateSerials(request.Serials);
        var buildInfo = request.BuildInfo is null ? null : ValidateBuildInfo(request.BuildInfo);
        var name = request.Name is null ? null : Validate.Name("name", request.Name);
        var description = request.Description is null ? null : Validate.Text("description", request.Description);
        var device = request.Device is null ? null : Validate.Text("device", request.Device, 200);
        return await database.WriteAsync(async s =>
        {
            var job = await LoadAsync(s, actor.AccountId, id, ct, forUpdate: true).ConfigureAwait(false);
            RequireNotDeleted(job);
            await EnsureImageFreeAsync(s, actor.AccountId, imageId, id, ct).ConfigureAwait(false);
            await s.ExecuteAsync(
                """
                UPDATE jobs SET image_id = @imageId, image_sha256 = @sha, revision = revision + 1, name = COALESCE(@name, name),
                    description = COALESCE(@description, description), device = COALESCE(@device, device), serials = COALESCE(@serials, serials),
                    build_info = COALESCE(@buildInfo, build_info), encrypted = @encrypted, blob_path = NULL, updated_at = @now,
                    used = CASE WHEN @carry = 1 THEN used ELSE 0 END, failed = CASE WHEN @carry = 1 THEN failed ELSE 0 END
                WHERE id = @id
                """,
                new
                {
                    imageId, sha, name, description, device, serials = serials is null ? null : Json.Write(serials),
                    buildInfo = buildInfo is null ? null : Json.Write(buildInfo), encrypted = request.Encrypted ? 1 : 0, now = time.Now(),
                    carry = request.CarryOverCounts ? 1 : 0, id,
                }, ct).ConfigureAwait(false);
            if (!request.CarryOverCounts)
            {
                await s.ExecuteAsync("UPDATE job_station_usage SET used = 0 WHERE job_id = @id", new { id }, ct).ConfigureAwait(false);
            }

            if (serials is not null)
            {
                await EnsurePoolsAsync(s, actor.AccountId, serials, ct).ConfigureAwait(false);
            }

            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job.revise", id,
                $"revision {job.Revision + 1}: image {job.ImageId} -> {imageId}, counts {(request.CarryOverCounts ? "carried over" : "reset")}", ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<JobView> SetStationsAsync(Actor actor, string id, JobStationsRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireJobs("change authorized stations");
        var stationIds = (request.StationIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        return await database.WriteAsync(async s =>
        {
            var job = await LoadAsync(s, actor.AccountId, id, ct, forUpdate: true).ConfigureAwait(false);
            RequireNotDeleted(job);
            await CheckStationsAsync(s, actor.AccountId, job.FactoryId, stationIds, ct).ConfigureAwait(false);
            await s.ExecuteAsync("UPDATE jobs SET all_stations = @all, updated_at = @now WHERE id = @id", new { all = request.AllStations ? 1 : 0, now = time.Now(), id }, ct).ConfigureAwait(false);
            await ReplaceStationsAsync(s, id, request.AllStations ? [] : stationIds, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job.stations", id,
                request.AllStations ? "all stations of the factory" : string.Join(", ", stationIds), ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<JobView> SetRestrictionsAsync(Actor actor, string id, JobRestrictions restrictions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireJobs("change restrictions");
        var r = ValidateRestrictions(restrictions);
        return await database.WriteAsync(async s =>
        {
            var job = await LoadAsync(s, actor.AccountId, id, ct, forUpdate: true).ConfigureAwait(false);
            RequireNotDeleted(job);
            await s.ExecuteAsync(
                "UPDATE jobs SET max_count = @MaxCount, valid_from = @from, valid_until = @until, per_station_cap = @PerStationCap, updated_at = @now WHERE id = @id",
                new { r.MaxCount, from = Time.To(r.ValidFrom), until = Time.To(r.ValidUntil), r.PerStationCap, now = time.Now(), id }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job.restrictions", id, Json.Write(r), ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Stores a job's encrypted image for delivery; refused unless encrypted and matching the registered SHA-256.</summary>
    public async Task<JobView> UploadImageAsync(Actor actor, string id, Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireJobs("upload images");
        var job = await database.ReadAsync(s => LoadAsync(s, actor.AccountId, id, ct), ct).ConfigureAwait(false);
        RequireNotDeleted(job);
        using var staged = await blobs.ReceiveAsync(body, options.MaxImageBytes, ct).ConfigureAwait(false);
        var (sha, length) = (staged.Sha256, staged.Length);
        if (length == 0)
        {
            throw CloudException.Invalid("body", "the image is empty.");
        }

        if (!string.Equals(sha, job.ImageSha256, StringComparison.Ordinal))
        {
            throw CloudException.Invalid("body", $"the image's SHA-256 is {sha}, but job '{id}' revision {job.Revision} was registered with {job.ImageSha256}.");
        }

        if (await inspector.RefuseAsync(staged.Path, job.ImageId, ct).ConfigureAwait(false) is { } refusal)
        {
            throw new CloudException(CloudErrorKind.Invalid, "Image refused", refusal);
        }

        var blobId = $"{actor.AccountId}/{id}/{sha}.imp";
        await blobs.StoreAsync(blobId, staged, ct).ConfigureAwait(false);
        return await database.WriteAsync(async s =>
        {
            var changed = await s.ExecuteAsync("UPDATE jobs SET blob_path = @blobId, updated_at = @now WHERE id = @id AND image_sha256 = @sha AND status <> 'deleted'",
                new { blobId, now = time.Now(), id, sha }, ct).ConfigureAwait(false);
            if (changed == 0)
            {
                throw new CloudException(CloudErrorKind.Conflict, "Job changed", $"Job '{id}' was revised or deleted during the upload; upload the image of its current revision.");
            }

            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "job.image-upload", id, $"{length} bytes, sha256 {sha}", ct).ConfigureAwait(false);
            return await ViewAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Opens a job's encrypted image for an authorized station of its factory.</summary>
    public async Task<(Stream Content, string Sha256)> OpenImageAsync(StationIdentity station, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        var job = await database.ReadAsync(async s =>
        {
            var row = await s.QuerySingleOrDefaultAsync<JobRow>($"SELECT {JobRow.Columns} FROM jobs WHERE id = @id AND account_id = @AccountId AND status <> 'deleted'",
                new { id, station.AccountId }, ct).ConfigureAwait(false) ?? throw CloudException.NotFound("Job", id);
            await GrantService.RequireAuthorizedAsync(s, row, station, ct).ConfigureAwait(false);
            return row;
        }, ct).ConfigureAwait(false);
        if (job.BlobPath is null)
        {
            throw new CloudException(CloudErrorKind.NotFound, "Image not uploaded", $"Job '{id}' has no image in the cloud; it was delivered to stations directly.");
        }

        var content = await blobs.OpenAsync(job.BlobPath, ct).ConfigureAwait(false)
            ?? throw new CloudException(CloudErrorKind.NotFound, "Image not uploaded", $"The image of job '{id}' is missing from this instance's blob store; upload it again (instances without a shared --blobs folder need --blobs db).");
        return (content, job.ImageSha256);
    }

    public async Task<IReadOnlyList<SerialPoolView>> ListPoolsAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rows = await database.ReadAsync(s => s.QueryAsync<(string Name, long NextValue, long FreeValues)>(
            """
            SELECT p.name, p.next_value, (SELECT COUNT(*) FROM serial_free f WHERE f.account_id = p.account_id AND f.pool = p.name) AS free_values
            FROM serial_pools p WHERE p.account_id = @AccountId ORDER BY p.name
            """, new { actor.AccountId }, ct), ct).ConfigureAwait(false);
        return rows.Select(r => new SerialPoolView(r.Name, r.NextValue, r.FreeValues)).ToList();
    }

    internal static async Task<JobRow> LoadAsync(DbSession s, string accountId, string id, CancellationToken ct, bool forUpdate = false)
    {
        var sql = $"SELECT {JobRow.Columns} FROM jobs WHERE id = @id AND account_id = @accountId" + (forUpdate ? " {for_update}" : "");
        return await s.QuerySingleOrDefaultAsync<JobRow>(sql, new { id, accountId }, ct).ConfigureAwait(false) ?? throw CloudException.NotFound("Job", id);
    }

    internal static async Task<JobView> ViewAsync(DbSession s, string accountId, string id, CancellationToken ct)
    {
        var job = await LoadAsync(s, accountId, id, ct).ConfigureAwait(false);
        var stations = await s.QueryAsync<string>("SELECT station_id FROM job_stations WHERE job_id = @id ORDER BY station_id", new { id }, ct).ConfigureAwait(false);
        return job.ToView(stations.ToList());
    }

    private static void RequireNotDeleted(JobRow job)
    {
        if (job.JobStatus == JobStatus.Deleted)
        {
            throw new CloudException(CloudErrorKind.Conflict, "Job deleted", $"Job '{job.Id}' is deleted; it can no longer be changed.");
        }
    }

    private static async Task EnsureImageFreeAsync(DbSession s, string accountId, string imageId, string? exceptJob, CancellationToken ct)
    {
        var other = await s.QuerySingleOrDefaultAsync<string>(
            "SELECT id FROM jobs WHERE account_id = @accountId AND image_id = @imageId AND status <> 'deleted' AND (@exceptJob IS NULL OR id <> @exceptJob)",
            new { accountId, imageId, exceptJob }, ct).ConfigureAwait(false);
        if (other is not null)
        {
            throw new CloudException(CloudErrorKind.Conflict, "Image already registered", $"Image '{imageId}' is already registered as job '{other}'.");
        }
    }

    private static async Task CheckStationsAsync(DbSession s, string accountId, string factoryId, IReadOnlyList<string> stationIds, CancellationToken ct)
    {
        foreach (var stationId in stationIds)
        {
            var factory = await s.QuerySingleOrDefaultAsync<string>("SELECT factory_id FROM stations WHERE id = @stationId AND account_id = @accountId AND status = 'active'",
                new { stationId, accountId }, ct).ConfigureAwait(false) ?? throw CloudException.NotFound("Station", stationId);
            if (factory != factoryId)
            {
                throw CloudException.Invalid("stationIds", $"station '{stationId}' belongs to factory '{factory}', not to the job's factory '{factoryId}'.");
            }
        }
    }

    private static async Task ReplaceStationsAsync(DbSession s, string jobId, IReadOnlyList<string> stationIds, CancellationToken ct)
    {
        await s.ExecuteAsync("DELETE FROM job_stations WHERE job_id = @jobId", new { jobId }, ct).ConfigureAwait(false);
        foreach (var stationId in stationIds)
        {
            await s.ExecuteAsync("INSERT INTO job_stations (job_id, station_id) VALUES (@jobId, @stationId)", new { jobId, stationId }, ct).ConfigureAwait(false);
        }
    }

    private static async Task EnsurePoolsAsync(DbSession s, string accountId, IReadOnlyList<SerialDefinition> serials, CancellationToken ct)
    {
        foreach (var serial in serials.OrderBy(d => d.Pool, StringComparer.Ordinal))
        {
            await s.ExecuteAsync("INSERT INTO serial_pools (account_id, name, next_value) VALUES (@accountId, @Pool, @start) ON CONFLICT (account_id, name) DO NOTHING",
                new { accountId, serial.Pool, start = (long)serial.Start }, ct).ConfigureAwait(false);
        }
    }

    private static List<SerialDefinition> ValidateSerials(IReadOnlyList<SerialDefinition> serials)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < serials.Count; i++)
        {
            var d = serials[i] ?? throw CloudException.Invalid($"serials[{i}]", "must not be null.");
            Validate.Name($"serials[{i}].name", d.Name, 100);
            Validate.Name($"serials[{i}].pool", d.Pool, 100);
            if (!names.Add(d.Name))
            {
                throw CloudException.Invalid($"serials[{i}].name", $"'{d.Name}' appears twice.");
            }

            if (d.Start > long.MaxValue / 2)
            {
                throw CloudException.Invalid($"serials[{i}].start", $"{d.Start} is too large; the cloud keeps serial numbers below 2^62.");
            }

            if (d.Step is 0 or > 1_000_000_000)
            {
                throw CloudException.Invalid($"serials[{i}].step", $"is {d.Step}; it must be between 1 and 1000000000.");
            }
        }

        if (serials.Count > 16)
        {
            throw CloudException.Invalid("serials", $"has {serials.Count} definitions; the limit is 16.");
        }

        return [.. serials];
    }

    private static JobRestrictions ValidateRestrictions(JobRestrictions r)
    {
        if (r.MaxCount is < 0)
        {
            throw CloudException.Invalid("restrictions.maxCount", $"is {r.MaxCount}; it must not be negative.");
        }

        if (r.PerStationCap is < 1)
        {
            throw CloudException.Invalid("restrictions.perStationCap", $"is {r.PerStationCap}; it must be at least 1.");
        }

        if (r.ValidFrom is { } from && r.ValidUntil is { } until && until <= from)
        {
            throw CloudException.Invalid("restrictions.validUntil", $"{until:u} is not after validFrom {from:u}.");
        }

        return r;
    }

    private static Dictionary<string, string> ValidateBuildInfo(IReadOnlyDictionary<string, string>? info)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in info ?? new Dictionary<string, string>())
        {
            result[Validate.Name("buildInfo key", key, 100)] = Validate.Text($"buildInfo.{key}", value, 2000);
        }

        if (result.Count > 64)
        {
            throw CloudException.Invalid("buildInfo", $"has {result.Count} entries; the limit is 64.");
        }

        return result;
    }
}
