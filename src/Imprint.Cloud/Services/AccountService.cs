using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>The result of bootstrapping an account: its first owner and that owner's credentials.</summary>
/// <param name="Account">The account.</param>
/// <param name="Owner">The first owner.</param>
/// <param name="Credentials">The owner's first credentials file.</param>
/// <param name="DefaultFactory">"My Default Factory".</param>
public sealed record CreatedAccount(AccountView Account, UserView Owner, CloudCredentials Credentials, FactoryView DefaultFactory);

/// <summary>Accounts (tenants) and their users.</summary>
public sealed class AccountService(CloudDatabase database, TimeProvider time)
{
    public const string DefaultFactoryName = "My Default Factory";

    /// <summary>
    /// Creates an account with its first owner, that owner's first credential and "My Default
    /// Factory". There is no administrator above accounts: this runs against the database
    /// directly (<c>imprint cloud account create</c>).
    /// </summary>
    public async Task<CreatedAccount> CreateAccountAsync(string name, string ownerName, string cloudUrl, CancellationToken ct)
    {
        name = Validate.Name("name", name);
        ownerName = Validate.Name("owner", ownerName);
        return await database.WriteAsync(async s =>
        {
            var now = time.Now();
            var accountId = Ids.New("acc");
            var userId = Ids.New("usr");
            var factoryId = Ids.New("fac");
            await s.ExecuteAsync("INSERT INTO accounts (id, name, created_at) VALUES (@accountId, @name, @now)", new { accountId, name, now }, ct).ConfigureAwait(false);
            await s.ExecuteAsync("INSERT INTO users (id, account_id, name, role, created_at) VALUES (@userId, @accountId, @ownerName, 'owner', @now)",
                new { userId, accountId, ownerName, now }, ct).ConfigureAwait(false);
            await s.ExecuteAsync("INSERT INTO factories (id, account_id, name, created_at) VALUES (@factoryId, @accountId, @DefaultFactoryName, @now)",
                new { factoryId, accountId, DefaultFactoryName, now }, ct).ConfigureAwait(false);
            var credentials = await CredentialService.InsertAsync(s, accountId, userId, "bootstrap", cloudUrl, now, ct).ConfigureAwait(false);
            var actor = $"bootstrap ({userId})";
            await AuditLog.AppendAsync(s, time, accountId, actor, "account.create", accountId, name, ct).ConfigureAwait(false);
            await AuditLog.AppendAsync(s, time, accountId, actor, "credential.create", credentials.Id, ownerName, ct).ConfigureAwait(false);
            var created = Time.From(now);
            return new CreatedAccount(
                new AccountView(accountId, name, created),
                new UserView(userId, ownerName, Role.Owner, created),
                credentials,
                new FactoryView(factoryId, DefaultFactoryName, created, 0, 0));
        }, ct).ConfigureAwait(false);
    }

    public async Task<WhoAmI> WhoAmIAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var account = await database.ReadAsync(s => s.QuerySingleOrDefaultAsync<AccountRow>(
            "SELECT id, name, created_at FROM accounts WHERE id = @AccountId", new { actor.AccountId }, ct), ct).ConfigureAwait(false)
            ?? throw CloudException.NotFound("Account", actor.AccountId);
        return new WhoAmI(new AccountView(account.Id, account.Name, Time.From(account.CreatedAt)), actor.UserId, actor.UserName, actor.Role, actor.CredentialId);
    }

    public async Task<IReadOnlyList<UserView>> ListUsersAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rows = await database.ReadAsync(s => s.QueryAsync<UserRow>(
            "SELECT id, name, role, created_at FROM users WHERE account_id = @AccountId ORDER BY created_at, id", new { actor.AccountId }, ct), ct).ConfigureAwait(false);
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<UserView> CreateUserAsync(Actor actor, CreateUserRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.RequireOwner("create users");
        var name = Validate.Name("name", request.Name);
        if (request.Role == Role.Station || !Enum.IsDefined(request.Role))
        {
            throw CloudException.Invalid("role", "must be owner, engineer or operator (stations register with a provisioning token).");
        }

        return await database.WriteAsync(async s =>
        {
            var now = time.Now();
            var id = Ids.New("usr");
            var role = Roles.Write(request.Role);
            await s.ExecuteAsync("INSERT INTO users (id, account_id, name, role, created_at) VALUES (@id, @AccountId, @name, @role, @now)",
                new { id, actor.AccountId, name, role, now }, ct).ConfigureAwait(false);
            await AppendAudit(s, actor, "user.create", id, $"{name} as {role}", ct).ConfigureAwait(false);
            return new UserView(id, name, request.Role, Time.From(now));
        }, ct).ConfigureAwait(false);
    }

    private Task AppendAudit(DbSession s, Actor actor, string action, string target, string? details, CancellationToken ct) =>
        AuditLog.AppendAsync(s, time, actor.AccountId, actor.Label, action, target, details, ct);

    internal sealed class AccountRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public long CreatedAt { get; set; }
    }

    internal sealed class UserRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string Role { get; set; } = "";

        public long CreatedAt { get; set; }

        public UserView ToView() => new(Id, Name, Roles.Read(Role), Time.From(CreatedAt));
    }
}
