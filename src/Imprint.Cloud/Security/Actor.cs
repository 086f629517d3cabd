using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Security;

/// <summary>An authenticated user of an account, as the service layer sees it (API or dashboard).</summary>
/// <param name="AccountId">The account every query is confined to.</param>
/// <param name="UserId">The user.</param>
/// <param name="UserName">The user's name (for the audit trail).</param>
/// <param name="Role">The user's role.</param>
/// <param name="CredentialId">The credential or session the request came with.</param>
public sealed record Actor(string AccountId, string UserId, string UserName, Role Role, string CredentialId)
{
    /// <summary>Gets how the audit trail names this actor.</summary>
    public string Label => $"{UserName} ({UserId} via {CredentialId})";

    /// <summary>Throws unless the actor's role is one of <paramref name="roles"/>.</summary>
    public void Require(string action, params Role[] roles)
    {
        if (!roles.Contains(Role))
        {
            throw new CloudException(CloudErrorKind.Forbidden, "Role not allowed",
                $"Role '{Role.ToString().ToLowerInvariant()}' may not {action}; it needs {string.Join(" or ", roles.Select(r => r.ToString().ToLowerInvariant()))}.");
        }
    }

    /// <summary>Throws unless the actor may change jobs (owner or engineer).</summary>
    public void RequireJobs(string action) => Require(action, Role.Owner, Role.Engineer);

    /// <summary>Throws unless the actor is an owner.</summary>
    public void RequireOwner(string action) => Require(action, Role.Owner);
}

/// <summary>A station authenticated by its signature.</summary>
/// <param name="StationId">The station.</param>
/// <param name="AccountId">Its account.</param>
/// <param name="FactoryId">Its factory at the time of the request.</param>
/// <param name="Nonce">
/// The request's nonce when the endpoint consumes it inside its own transaction (grants, results),
/// so the replay check and the effect commit together; <see langword="null"/> when the
/// authentication handler already recorded it.
/// </param>
/// <param name="NonceKeepUntil">Until when the nonce must be remembered (Unix ms).</param>
public sealed record StationIdentity(string StationId, string AccountId, string FactoryId, string? Nonce = null, long NonceKeepUntil = 0);

/// <summary>Marks station endpoints whose service consumes the nonce and checks the station's status in its own write transaction.</summary>
public sealed class NonceInTransactionMetadata;
