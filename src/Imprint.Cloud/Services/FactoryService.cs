using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>Virtual factories: groups of stations and the jobs they run.</summary>
public sealed class FactoryService(CloudDatabase database, TimeProvider time)
{
    private const string Select = """
        SELECT f.id, f.name, f.created_at,
            (SELECT COUNT(*) FROM jobs j WHERE j.factory_id = f.id AND j.status <> 'deleted') AS jobs,
            (SELECT COUNT(*) FROM stations s WHERE s.factory_id = f.id AND s.status = 'active') AS stations
        FROM factories f
        """;

    public async Task<IReadOnlyList<FactoryView>> ListAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rows = await database.ReadAsync(s => s.QueryAsync<Row>(
            Select + " WHERE f.account_id = @AccountId AND f.deleted_at IS NULL ORDER BY f.created_at, f.id", new { actor.AccountId }, ct), ct).ConfigureAwait(false);
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<FactoryView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await database.ReadAsync(s => GetAsync(s, actor.AccountId, id, ct), ct).ConfigureAwait(false);
    }

    internal static async Task<FactoryView> GetAsync(DbSession s, string accountId, string id, CancellationToken ct)
    {
        var row = await s.QuerySingleOrDefaultAsync<Row>(Select + " WHERE f.id = @id AND f.account_id = @accountId AND f.deleted_at IS NULL", new { id, accountId }, ct).ConfigureAwait(false);
        return row?.ToView() ?? throw CloudException.NotFound("Factory", id);
    }

    public async Task<FactoryView> CreateAsync(Actor actor, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("create factories");
        name = Validate.Name("name", name);
        return await database.WriteAsync(async s =>
        {
            var id = Ids.New("fac");
            var now = time.Now();
            await s.ExecuteAsync("INSERT INTO factories (id, account_id, name, created_at) VALUES (@id, @AccountId, @name, @now)", new { id, actor.AccountId, name, now }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "factory.create", id, name, ct).ConfigureAwait(false);
            return new FactoryView(id, name, Time.From(now), 0, 0);
        }, ct).ConfigureAwait(false);
    }

    public async Task<FactoryView> RenameAsync(Actor actor, string id, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("rename factories");
        name = Validate.Name("name", name);
        return await database.WriteAsync(async s =>
        {
            var changed = await s.ExecuteAsync("UPDATE factories SET name = @name WHERE id = @id AND account_id = @AccountId AND deleted_at IS NULL", new { name, id, actor.AccountId }, ct).ConfigureAwait(false);
            if (changed == 0)
            {
                throw CloudException.NotFound("Factory", id);
            }

            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "factory.rename", id, name, ct).ConfigureAwait(false);
            return await GetAsync(s, actor.AccountId, id, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOwner("delete factories");
        await database.WriteAsync(async s =>
        {
            // Lock the factory row first so a job registered concurrently either sees it deleted or blocks this delete.
            var factory = await s.QuerySingleOrDefaultAsync<string>("SELECT id FROM factories WHERE id = @id AND account_id = @AccountId AND deleted_at IS NULL {for_update}",
                new { id, actor.AccountId }, ct).ConfigureAwait(false) ?? throw CloudException.NotFound("Factory", id);
            var view = await GetAsync(s, actor.AccountId, factory, ct).ConfigureAwait(false);
            if (view.Jobs > 0)
            {
                throw new CloudException(CloudErrorKind.Conflict, "Factory in use", $"Factory '{id}' still has {view.Jobs} job(s) that are not deleted; delete or move them first.");
            }

            if (view.Stations > 0)
            {
                throw new CloudException(CloudErrorKind.Conflict, "Factory in use", $"Factory '{id}' still has {view.Stations} active station(s); reassign or deprovision them first.");
            }

            await s.ExecuteAsync("UPDATE factories SET deleted_at = @now WHERE id = @id", new { now = time.Now(), id }, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, "factory.delete", id, view.Name, ct).ConfigureAwait(false);
            return 0;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Locks a live factory of the account for the rest of the transaction, or throws not-found.</summary>
    internal static async Task LockAsync(DbSession s, string accountId, string id, CancellationToken ct)
    {
        var found = await s.QuerySingleOrDefaultAsync<string>("SELECT id FROM factories WHERE id = @id AND account_id = @accountId AND deleted_at IS NULL {for_update}",
            new { id, accountId }, ct).ConfigureAwait(false);
        if (found is null)
        {
            throw CloudException.NotFound("Factory", id);
        }
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public long CreatedAt { get; set; }

        public long Jobs { get; set; }

        public long Stations { get; set; }

        public FactoryView ToView() => new(Id, Name, Time.From(CreatedAt), Jobs, Stations);
    }
}
