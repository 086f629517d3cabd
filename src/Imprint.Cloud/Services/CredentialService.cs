using System.Security.Cryptography;
using System.Text;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>
/// API credentials: an id and a 256-bit random secret of which only the SHA-256 is stored.
/// </summary>
public sealed class CredentialService(CloudDatabase database, TimeProvider time)
{
    // last_used_at is written at most once a minute per credential, so reads stay reads.
    private const long LastUsedResolutionMs = 60_000;

    internal static async Task<CloudCredentials> InsertAsync(DbSession s, string accountId, string userId, string name, string cloudUrl, long now, CancellationToken ct)
    {
        var id = Ids.New("cred");
        var secret = Ids.Secret();
        await s.ExecuteAsync(
            "INSERT INTO credentials (id, account_id, user_id, name, secret_hash, created_at) VALUES (@id, @accountId, @userId, @name, @hash, @now)",
            new { id, accountId, userId, name, hash = Ids.Hash(secret), now }, ct).ConfigureAwait(false);
        return new CloudCredentials(id, secret, cloudUrl, accountId);
    }

    /// <summary>Checks a credential; returns the actor, or <see langword="null"/> with a reason.</summary>
    public async Task<(Actor? Actor, string? Failure)> AuthenticateAsync(string id, string secret, CancellationToken ct)
    {
        var row = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<AuthRow>(
            """
            SELECT c.id, c.account_id, c.user_id, c.secret_hash, c.revoked_at, c.last_used_at, u.name AS user_name, u.role
            FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.id = @id
            """, new { id }, ct), ct).ConfigureAwait(false);
        // Compare hashes in fixed time even for unknown ids, so timing does not tell which ids exist.
        var expected = Encoding.ASCII.GetBytes(row?.SecretHash ?? new string('0', 64));
        var actual = Encoding.ASCII.GetBytes(Ids.Hash(secret));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || row is null)
        {
            return (null, "The credential id or secret is wrong.");
        }

        if (row.RevokedAt is not null)
        {
            return (null, $"Credential '{id}' was revoked.");
        }

        var now = time.Now();
        if (row.LastUsedAt is null || now - row.LastUsedAt >= LastUsedResolutionMs)
        {
            await database.WriteAsync(s => s.ExecuteAsync("UPDATE credentials SET last_used_at = @now WHERE id = @id", new { now, id }, ct), ct).ConfigureAwait(false);
        }

        return (new Actor(row.AccountId, row.UserId, row.UserName, Roles.Read(row.Role), row.Id), null);
    }

    public async Task<CloudCredentials> CreateAsync(Actor actor, CreateCredentialRequest request, string cloudUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireOwner("create credentials");
        var name = Validate.Name("name", request.Name);
        var userId = request.UserId ?? actor.UserId;
        return await database.WriteAsync(async s =>
        {
            var exists = await s.ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE id = @userId AND account_id = @AccountId", new { userId, actor.AccountId }, ct).ConfigureAwait(false);
            if (exists == 0)
            {
                throw CloudException.NotFound("User", userId);
            }

            var credentials = await InsertAsync(s, actor.AccountId, userId, name, cloudUrl, time.Now(), ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "credential.create", credentials.Id, $"{name} for {userId}", ct).ConfigureAwait(false);
            return credentials;
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CredentialView>> ListAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("list credentials");
        var rows = await database.ReadAsync(s => s.QueryAsync<ViewRow>(
            """
            SELECT c.id, c.name, c.user_id, u.role, c.created_at, c.last_used_at, c.revoked_at
            FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.account_id = @AccountId ORDER BY c.created_at, c.id
            """, new { actor.AccountId }, ct), ct).ConfigureAwait(false);
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<CredentialView> RevokeAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("revoke credentials");
        return await database.WriteAsync(async s =>
        {
            var now = time.Now();
            var changed = await s.ExecuteAsync("UPDATE credentials SET revoked_at = @now WHERE id = @id AND account_id = @AccountId AND revoked_at IS NULL",
                new { now, id, actor.AccountId }, ct).ConfigureAwait(false);
            var row = await s.QuerySingleOrDefaultAsync<ViewRow>(
                """
                SELECT c.id, c.name, c.user_id, u.role, c.created_at, c.last_used_at, c.revoked_at
                FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.id = @id AND c.account_id = @AccountId
                """, new { id, actor.AccountId }, ct).ConfigureAwait(false) ?? throw CloudException.NotFound("Credential", id);
            if (changed > 0)
            {
                await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "credential.revoke", id, null, ct).ConfigureAwait(false);
            }

            return row.ToView();
        }, ct).ConfigureAwait(false);
    }

    private sealed class AuthRow
    {
        public string Id { get; set; } = "";

        public string AccountId { get; set; } = "";

        public string UserId { get; set; } = "";

        public string UserName { get; set; } = "";

        public string Role { get; set; } = "";

        public string SecretHash { get; set; } = "";

        public long? RevokedAt { get; set; }

        public long? LastUsedAt { get; set; }
    }

    private sealed class ViewRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string UserId { get; set; } = "";

        public string Role { get; set; } = "";

        public long CreatedAt { get; set; }

        public long? LastUsedAt { get; set; }

        public long? RevokedAt { get; set; }

        public CredentialView ToView() => new(Id, Name, UserId, Roles.Read(Role), Time.From(CreatedAt), Time.From(LastUsedAt), Time.From(RevokedAt));
    }
}
