namespace Imprint.Sdk.Cloud;

/// <summary>What a user of an account may do.</summary>
public enum Role
{
    /// <summary>Everything, including credentials, users, factories and stations.</summary>
    Owner,

    /// <summary>Builds and manages jobs; reads everything else.</summary>
    Engineer,

    /// <summary>Reads jobs, stations, logs and counters.</summary>
    Operator,

    /// <summary>A programming station; authenticates by signature, never by credential.</summary>
    Station,
}

/// <summary>An account (tenant).</summary>
/// <param name="Id">The account id.</param>
/// <param name="Name">The account's name.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record AccountView(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>The caller as the cloud sees it.</summary>
/// <param name="Account">The caller's account.</param>
/// <param name="UserId">The caller's user id.</param>
/// <param name="UserName">The caller's user name.</param>
/// <param name="Role">The caller's role.</param>
/// <param name="CredentialId">The credential the request was made with.</param>
public sealed record WhoAmI(AccountView Account, string UserId, string UserName, Role Role, string CredentialId);

/// <summary>A user of an account.</summary>
/// <param name="Id">The user id.</param>
/// <param name="Name">The user's name.</param>
/// <param name="Role">The user's role.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record UserView(string Id, string Name, Role Role, DateTimeOffset CreatedAt);

/// <summary>Asks for a new user.</summary>
/// <param name="Name">The user's name.</param>
/// <param name="Role">The user's role (not <see cref="Role.Station"/>).</param>
public sealed record CreateUserRequest(string Name, Role Role);

/// <summary>An API credential (never its secret).</summary>
/// <param name="Id">The credential id.</param>
/// <param name="Name">A label chosen by the owner.</param>
/// <param name="UserId">The user it acts as.</param>
/// <param name="Role">That user's role.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastUsedAt">When it last authenticated a request (to the minute), if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record CredentialView(
    string Id, string Name, string UserId, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>Asks for a new credential.</summary>
/// <param name="Name">A label.</param>
/// <param name="UserId">The user it acts as; <see langword="null"/> for the caller.</param>
public sealed record CreateCredentialRequest(string Name, string? UserId = null);
