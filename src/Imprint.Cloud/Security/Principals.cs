using System.Security.Claims;
using Imprint.Cloud.Internal;

namespace Imprint.Cloud.Security;

/// <summary>Turns an authenticated principal into the service layer's caller types.</summary>
public static class Principals
{
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string Get(string type) => user.FindFirstValue(type)
            ?? throw new CloudException(CloudErrorKind.Unauthorized, "Not authenticated", "This endpoint needs an API credential.");
        if (user.FindFirstValue(CloudSchemes.StationClaim) is not null)
        {
            throw new CloudException(CloudErrorKind.Forbidden, "Forbidden", "Stations may not use the owner API.");
        }

        return new Actor(Get(CloudSchemes.AccountClaim), Get(CloudSchemes.UserClaim), Get(CloudSchemes.NameClaim), Roles.Read(Get(CloudSchemes.RoleClaim)), Get(CloudSchemes.CredentialClaim));
    }

    public static StationIdentity ToStation(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new StationIdentity(
            user.FindFirstValue(CloudSchemes.StationClaim) ?? throw new CloudException(CloudErrorKind.Unauthorized, "Station not authenticated", "This endpoint needs a signed station request."),
            user.FindFirstValue(CloudSchemes.AccountClaim)!,
            user.FindFirstValue(CloudSchemes.FactoryClaim)!,
            user.FindFirstValue(CloudSchemes.NonceClaim),
            user.FindFirstValue(CloudSchemes.NonceUntilClaim) is { } until ? long.Parse(until, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    public static Actor Actor(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.ToActor();
    }
}
