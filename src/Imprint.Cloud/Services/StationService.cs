using System.Collections.Concurrent;
using System.Security.Cryptography;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>Provisioning tokens, station registration, the owner's station list and station self-service.</summary>
public sealed class StationService(CloudDatabase database, TimeProvider time, CloudSigningKey cloudKey)
{
    private const string SelectView = """
        SELECT id, name, factory_id, station_group, status, software_version, images, registered_at, last_seen_at, programmed, failed
        FROM stations
        """;

    // last_seen_at is written at most every ten seconds per station, not on every request.
    private const long LastSeenResolutionMs = 10_000;

    public async Task<ProvisioningToken> CreateProvisioningTokenAsync(Actor actor, string factoryId, ProvisioningTokenRequest request, string cloudUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireOwner("create provisioning tokens");
        var minutes = request.ExpiresInMinutes ?? 1440;
        if (minutes is < 1 or > 60 * 24 * 30)
        {
            throw CloudException.Invalid("expiresInMinutes", $"is {minutes}; it must be between 1 and 43200 (30 days).");
        }

        var group = request.Group is null ? null : Validate.Name("group", request.Group, 100);
        return await database.WriteAsync(async s =>
        {
            await FactoryService.LockAsync(s, actor.AccountId, factoryId, ct).ConfigureAwait(false);
            var token = "pt_" + Ids.Secret();
            var now = time.Now();
            var expires = now + (minutes * 60_000L);
            await s.ExecuteAsync(
                "INSERT INTO provisioning_tokens (token_hash, account_id, factory_id, station_group, created_at, expires_at) VALUES (@hash, @AccountId, @factoryId, @group, @now, @expires)",
                new { hash = Ids.Hash(token), actor.AccountId, factoryId, group, now, expires }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "station.provisioning-token", factoryId, group is null ? $"expires in {minutes} min" : $"group {group}, expires in {minutes} min", ct).ConfigureAwait(false);
            return new ProvisioningToken(token, factoryId, group, Time.From(expires), cloudUrl);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers a station with a one-time token. <paramref name="signature"/> over
    /// <paramref name="signed"/> (the request's canonical text, which covers the body with the token
    /// and the key) must verify with the key being registered: that proves the station holds its
    /// private key. It is checked before the token is touched, so a refused attempt leaves the token usable.
    /// </summary>
    public async Task<StationRegistration> RegisterAsync(RegisterStationRequest request, byte[] signed, string signature, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(signature);
        var token = Validate.Id("token", request.Token);
        var name = Validate.Name("name", request.Name);
        var version = request.SoftwareVersion is null ? null : Validate.Name("softwareVersion", request.SoftwareVersion, 100);
        var publicKey = NormalizePublicKey(request.PublicKey);
        if (!SignedRequest.Verify(publicKey, signed, signature))
        {
            throw new CloudException(CloudErrorKind.Unauthorized, "Registration signature refused",
                "The registration's signature does not verify with the public key it registers: the station must sign it with that key's private half (or the token, key, body, timestamp or nonce changed).");
        }

        return await database.WriteAsync(async s =>
        {
            var now = time.Now();
            var stationId = Ids.New("sta");
            var claimed = await s.QuerySingleOrDefaultAsync<TokenRow>(
                """
                UPDATE provisioning_tokens SET used_at = @now, station_id = @stationId
                WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
                RETURNING account_id, factory_id, station_group
                """, new { now, stationId, hash = Ids.Hash(token) }, ct).ConfigureAwait(false);
            if (claimed is null)
            {
                var existing = await s.QuerySingleOrDefaultAsync<TokenRow>("SELECT account_id, factory_id, station_group, used_at, expires_at FROM provisioning_tokens WHERE token_hash = @hash",
                    new { hash = Ids.Hash(token) }, ct).ConfigureAwait(false);
                var reason = existing switch
                {
                    null => "The provisioning token is not known.",
                    { UsedAt: not null } => "The provisioning token was already used; ask the owner for a new one.",
                    _ => $"The provisioning token expired at {Time.From(existing.ExpiresAt):u}; ask the owner for a new one.",
                };
                throw new CloudException(CloudErrorKind.Unauthorized, "Provisioning token refused", reason);
            }

            await FactoryService.LockAsync(s, claimed.AccountId, claimed.FactoryId, ct).ConfigureAwait(false);
            await s.ExecuteAsync(
                """
                INSERT INTO stations (id, account_id, factory_id, station_group, name, public_key, status, software_version, images, registered_at, last_seen_at, programmed, failed)
                VALUES (@stationId, @AccountId, @FactoryId, @StationGroup, @name, @publicKey, 'active', @version, '[]', @now, @now, 0, 0)
                """, new { stationId, claimed.AccountId, claimed.FactoryId, claimed.StationGroup, name, publicKey, version, now }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, claimed.AccountId, $"station {name} ({stationId})", "station.register", stationId, $"factory {claimed.FactoryId}", ct).ConfigureAwait(false);
            return new StationRegistration(stationId, claimed.AccountId, claimed.FactoryId, cloudKey.KeyId, cloudKey.PublicKey);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads what the signature check needs; <see langword="null"/> for an unknown station. With
    /// <paramref name="statusCheckedInTransaction"/> (grants and result uploads, which check the
    /// station's status in their own transaction) an active station's row may come from this
    /// host's memory: its id, account and public key never change, and the read it saves is a
    /// quarter of a grant's database round trips. Its status and factory may be stale there.
    /// </summary>
    internal async Task<AuthRow?> FindForAuthenticationAsync(string stationId, bool statusCheckedInTransaction, CancellationToken ct)
    {
        if (statusCheckedInTransaction && _authenticated.TryGetValue(stationId, out var known))
        {
            return known;
        }

        var row = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<AuthRow>(
            "SELECT id, account_id, factory_id, public_key, status, last_seen_at FROM stations WHERE id = @stationId", new { stationId }, ct), ct).ConfigureAwait(false);
        if (row is { Status: "active" })
        {
            if (_authenticated.Count >= MaxAuthenticated)
            {
                _authenticated.Clear();
            }

            _authenticated[stationId] = row;
        }
        else
        {
            _authenticated.TryRemove(stationId, out _);
        }

        return row;
    }

    private const int MaxAuthenticated = 100_000;

    private readonly ConcurrentDictionary<string, AuthRow> _authenticated = new(StringComparer.Ordinal);

    /// <summary>Records a nonce; false when the station already used it (a replay). Also refreshes last-seen.</summary>
    internal async Task<bool> UseNonceAsync(AuthRow station, string nonce, long keepUntil, CancellationToken ct)
    {
        var now = time.Now();
        return await database.WriteAsync(async s =>
        {
            var inserted = await s.ExecuteAsync(
                "INSERT INTO station_nonces (station_id, nonce, expires_at) VALUES (@Id, @nonce, @keepUntil) ON CONFLICT (station_id, nonce) DO NOTHING",
                new { station.Id, nonce, keepUntil }, ct).ConfigureAwait(false);
            if (inserted == 1 && (station.LastSeenAt is null || now - station.LastSeenAt >= LastSeenResolutionMs))
            {
                await s.ExecuteAsync("UPDATE stations SET last_seen_at = @now WHERE id = @Id", new { now, station.Id }, ct).ConfigureAwait(false);
            }

            return inserted == 1;
        }, ct).ConfigureAwait(false);
    }

    internal const string NonceInsert =
        "INSERT INTO station_nonces (station_id, nonce, expires_at) VALUES (@StationId, @Nonce, @NonceKeepUntil) ON CONFLICT (station_id, nonce) DO NOTHING RETURNING 1";

    internal static string ReplayMessage(string nonce, string stationId) =>
        $"Nonce '{nonce}' was already used by station '{stationId}': the request is a replay.";

    /// <summary>
    /// Inside a write transaction: refuses a deprovisioned station (its authentication may have
    /// come from memory: <see cref="FindForAuthenticationAsync"/>) and records the request's nonce
    /// (refusing a replay), so it commits with the request's effect. One round trip.
    /// </summary>
    internal static async Task ConsumeNonceAsync(DbSession s, StationIdentity station, CancellationToken ct)
    {
        const string status = "SELECT status FROM stations WHERE id = @StationId";
        await using var grid = await s.QueryMultipleAsync(station.Nonce is null ? status : status + ";\n" + NonceInsert, station, ct).ConfigureAwait(false);
        RequireActive(await grid.ReadSingleOrDefaultAsync<string>().ConfigureAwait(false), station.StationId);
        if (station.Nonce is not null)
        {
            RequireFresh(await grid.ReadSingleOrDefaultAsync<long?>().ConfigureAwait(false), station);
        }
    }

    /// <summary>Refuses a station that is not active, as its authentication would have.</summary>
    internal static void RequireActive(string? status, string stationId)
    {
        if (status != "active")
        {
            throw new CloudException(CloudErrorKind.Unauthorized, "Station not authenticated", DeprovisionedMessage(stationId));
        }
    }

    internal static string DeprovisionedMessage(string stationId) => $"Station '{stationId}' is deprovisioned.";

    /// <summary>
    /// After a transaction that committed without waiting for the disk (grants, result uploads):
    /// a durable write of the station's last-seen time, which flushes the log past that commit
    /// (the log is flushed in order) before the station hears of the outcome.
    /// </summary>
    internal static Task<int> MarkSeenDurablyAsync(CloudDatabase database, string stationId, long now, CancellationToken ct) =>
        database.WriteOneAsync(MarkSeen, new { now, stationId }, ct);

    /// <summary>The statement of <see cref="MarkSeenDurablyAsync"/>; parameters <c>@now</c> and <c>@stationId</c>.</summary>
    internal const string MarkSeen = "UPDATE stations SET last_seen_at = @now WHERE id = @stationId";

    internal static void RequireFresh(long? inserted, StationIdentity station)
    {
        if (inserted is null)
        {
            throw new CloudException(CloudErrorKind.Unauthorized, "Station not authenticated", ReplayMessage(station.Nonce!, station.StationId));
        }
    }

    public async Task<StationSelf> HeartbeatAsync(StationIdentity station, HeartbeatRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(request);
        var version = request.SoftwareVersion is null ? null : Validate.Name("softwareVersion", request.SoftwareVersion, 100);
        var images = (request.Images ?? []).Select(i => Validate.Id("images[]", i)).Distinct(StringComparer.Ordinal).Take(1000).ToList();
        await database.WriteAsync(s => s.ExecuteAsync(
            "UPDATE stations SET software_version = COALESCE(@version, software_version), images = @images, last_seen_at = @now WHERE id = @StationId",
            new { version, images = Json.Write(images), now = time.Now(), station.StationId }, ct), ct).ConfigureAwait(false);
        return await SelfAsync(station, ct).ConfigureAwait(false);
    }

    public async Task<StationSelf> SelfAsync(StationIdentity station, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        var jobs = await database.ReadAsync(s => s.QueryAsync<StationJobRow>(
            """
            SELECT j.id, j.image_id, j.image_sha256, j.status, j.blob_path FROM jobs j
            WHERE j.account_id = @AccountId AND j.factory_id = @FactoryId AND j.status <> 'deleted'
              AND (j.all_stations = 1 OR EXISTS (SELECT 1 FROM job_stations js WHERE js.job_id = j.id AND js.station_id = @StationId))
            ORDER BY j.created_at, j.id
            """, station, ct), ct).ConfigureAwait(false);
        return new StationSelf(station.StationId, station.AccountId, station.FactoryId,
            jobs.Select(j => new StationJob(j.Id, j.ImageId, j.ImageSha256, Roles.ReadStatus(j.Status), j.BlobPath is not null)).ToList());
    }

    public async Task<IReadOnlyList<StationView>> ListAsync(Actor actor, string? factoryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await database.ReadAsync(async s =>
        {
            if (factoryId is not null)
            {
                await FactoryService.GetAsync(s, actor.AccountId, factoryId, ct).ConfigureAwait(false);
            }

            var rows = await s.QueryAsync<ViewRow>(SelectView + " WHERE account_id = @AccountId AND (@factoryId IS NULL OR factory_id = @factoryId) ORDER BY registered_at, id",
                new { actor.AccountId, factoryId }, ct).ConfigureAwait(false);
            return (IReadOnlyList<StationView>)rows.Select(r => r.ToView()).ToList();
        }, ct).ConfigureAwait(false);
    }

    public async Task<StationView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await database.ReadAsync(s => GetAsync(s, actor.AccountId, id, ct), ct).ConfigureAwait(false);
    }

    public async Task<StationView> DeprovisionAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("deprovision stations");
        return await database.WriteAsync(async s =>
        {
            var changed = await s.ExecuteAsync("UPDATE stations SET status = 'deprovisioned' WHERE id = @id AND account_id = @AccountId AND status = 'active'",
                new { id, actor.AccountId }, ct).ConfigureAwait(false);
            var view = await GetAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
            _authenticated.TryRemove(id, out _);
            if (changed > 0)
            {
                await s.ExecuteAsync("DELETE FROM job_stations WHERE station_id = @id", new { id }, ct).ConfigureAwait(false);
                await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "station.deprovision", id, view.Name, ct).ConfigureAwait(false);
            }

            return view;
        }, ct).ConfigureAwait(false);
    }

    public async Task<StationView> ReassignAsync(Actor actor, string id, string factoryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("reassign stations");
        Validate.Id("factoryId", factoryId);
        return await database.WriteAsync(async s =>
        {
            await FactoryService.LockAsync(s, actor.AccountId, factoryId, ct).ConfigureAwait(false);
            var before = await GetAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
            if (before.Status != StationStatus.Active)
            {
                throw new CloudException(CloudErrorKind.Conflict, "Station deprovisioned", $"Station '{id}' is deprovisioned; provision it again with a new token.");
            }

            if (before.FactoryId == factoryId)
            {
                return before;
            }

            await s.ExecuteAsync("UPDATE stations SET factory_id = @factoryId WHERE id = @id", new { factoryId, id }, ct).ConfigureAwait(false);
            _authenticated.TryRemove(id, out _);
            // Authorizations are per job and jobs belong to one factory: the old ones no longer apply.
            await s.ExecuteAsync("DELETE FROM job_stations WHERE station_id = @id", new { id }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "station.reassign", id, $"{before.FactoryId} -> {factoryId}", ct).ConfigureAwait(false);
            return await GetAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StationUtilization>> UtilizationAsync(Actor actor, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (to <= from)
        {
            throw CloudException.Invalid("to", "must be after from.");
        }

        var rows = await database.ReadAsync(s => s.QueryAsync<UtilizationRow>(
            """
            SELECT st.id, st.name,
                COALESCE(SUM(CASE WHEN r.result = 'success' THEN 1 ELSE 0 END), 0) AS programmed,
                COALESCE(SUM(CASE WHEN r.result = 'failure' THEN 1 ELSE 0 END), 0) AS failed,
                COALESCE(SUM(r.duration_ms), 0) AS busy_ms
            FROM stations st
            LEFT JOIN records r ON r.account_id = st.account_id AND r.station_id = st.id AND r.finished_at >= @from AND r.finished_at < @to
            WHERE st.account_id = @AccountId
            GROUP BY st.id, st.name, st.registered_at
            ORDER BY st.registered_at, st.id
            """, new { actor.AccountId, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() }, ct), ct).ConfigureAwait(false);
        var span = (to - from).TotalMilliseconds;
        return rows.Select(r => new StationUtilization(r.Id, r.Name, r.Programmed, r.Failed, r.BusyMs, Math.Min(1.0, r.BusyMs / span))).ToList();
    }

    internal static async Task<StationView> GetAsync(DbSession s, string accountId, string id, CancellationToken ct)
    {
        var row = await s.QuerySingleOrDefaultAsync<ViewRow>(SelectView + " WHERE id = @id AND account_id = @accountId", new { id, accountId }, ct).ConfigureAwait(false);
        return row?.ToView() ?? throw CloudException.NotFound("Station", id);
    }

    private static string NormalizePublicKey(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            throw CloudException.Invalid("publicKey", "is required (ECDSA P-256 SubjectPublicKeyInfo, base64).");
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
            if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw CloudException.Invalid("publicKey", $"is a {key.KeySize}-bit key; stations use ECDSA P-256.");
            }

            return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw CloudException.Invalid("publicKey", "is not an ECDSA P-256 SubjectPublicKeyInfo in base64.");
        }
    }

    internal sealed class AuthRow
    {
        public string Id { get; set; } = "";

        public string AccountId { get; set; } = "";

        public string FactoryId { get; set; } = "";

        public string PublicKey { get; set; } = "";

        public string Status { get; set; } = "";

        public long? LastSeenAt { get; set; }
    }

    private sealed class TokenRow
    {
        public string AccountId { get; set; } = "";

        public string FactoryId { get; set; } = "";

        public string? StationGroup { get; set; }

        public long? UsedAt { get; set; }

        public long ExpiresAt { get; set; }
    }

    private sealed class StationJobRow
    {
        public string Id { get; set; } = "";

        public string ImageId { get; set; } = "";

        public string ImageSha256 { get; set; } = "";

        public string Status { get; set; } = "";

        public string? BlobPath { get; set; }
    }

    private sealed class ViewRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string FactoryId { get; set; } = "";

        public string? StationGroup { get; set; }

        public string Status { get; set; } = "";

        public string? SoftwareVersion { get; set; }

        public string Images { get; set; } = "[]";

        public long RegisteredAt { get; set; }

        public long? LastSeenAt { get; set; }

        public long Programmed { get; set; }

        public long Failed { get; set; }

        public StationView ToView() => new(Id, Name, FactoryId, StationGroup, Enum.Parse<StationStatus>(Status, ignoreCase: true), SoftwareVersion,
            Json.Read<List<string>>(Images, []), Time.From(RegisteredAt), Time.From(LastSeenAt), Programmed, Failed);
    }

    private sealed class UtilizationRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public long Programmed { get; set; }

        public long Failed { get; set; }

        public long BusyMs { get; set; }
    }
}
