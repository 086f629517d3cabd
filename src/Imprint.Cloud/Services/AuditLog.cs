using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>
/// The append-only audit trail: entries are written in the same transaction as the action they
/// describe (so there is no action without its entry) and never updated or deleted.
/// </summary>
public sealed class AuditLog(CloudDatabase database, TimeProvider time)
{
    internal static Task AppendAsync(DbSession session, TimeProvider time, string accountId, string actor, string action, string target, string? details, CancellationToken ct) =>
        session.ExecuteAsync("INSERT INTO audit (account_id, at, actor, action, target, details) VALUES (@accountId, @at, @actor, @action, @target, @details)",
            new { accountId, at = time.Now(), actor, action, target, details }, ct);

    internal Task AppendAsync(DbSession session, Actor actor, string action, string target, string? details, CancellationToken ct) =>
        AppendAsync(session, time, actor.AccountId, actor.Label, action, target, details, ct);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(Actor actor, int limit, long? before, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        limit = Math.Clamp(limit, 1, 1000);
        var rows = await database.ReadAsync(s => s.QueryAsync<AuditRow>(
            "SELECT seq, at, actor, action, target, details FROM audit WHERE account_id = @AccountId AND (@before IS NULL OR seq < @before) ORDER BY seq DESC LIMIT @limit",
            new { actor.AccountId, before, limit }, ct), ct).ConfigureAwait(false);
        return rows.Select(r => new AuditEntry(r.Seq, Time.From(r.At), r.Actor, r.Action, r.Target, r.Details)).ToList();
    }

    private sealed class AuditRow
    {
        public long Seq { get; set; }

        public long At { get; set; }

        public string Actor { get; set; } = "";

        public string Action { get; set; } = "";

        public string Target { get; set; } = "";

        public string? Details { get; set; }
    }
}
