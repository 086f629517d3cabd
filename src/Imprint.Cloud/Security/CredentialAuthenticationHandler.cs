using System.Security.Claims;
using System.Text.Encodings.Web;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprint.Cloud.Security;

/// <summary>Authenticates <c>Authorization: Bearer ID.SECRET</c> against the stored secret hashes.</summary>
internal sealed class CredentialAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CredentialService credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header[7..].Split('.', 2) is not [{ Length: > 0 } id, { Length: > 0 } secret])
        {
            return Fail("The Authorization header must be 'Bearer ID.SECRET' from a credentials file.");
        }

        var (actor, failure) = await credentials.AuthenticateAsync(id, secret, Context.RequestAborted).ConfigureAwait(false);
        if (actor is null)
        {
            Logger.LogInformation("Credential {CredentialId} refused: {Reason}", id, failure);
            return Fail(failure!);
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(CloudSchemes.AccountClaim, actor.AccountId),
            new Claim(CloudSchemes.UserClaim, actor.UserId),
            new Claim(CloudSchemes.NameClaim, actor.UserName),
            new Claim(CloudSchemes.RoleClaim, Roles.Write(actor.Role)),
            new Claim(CloudSchemes.CredentialClaim, actor.CredentialId),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not authenticated",
            _failure ?? "This endpoint needs an API credential: send 'Authorization: Bearer ID.SECRET' from a credentials file.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "The credential may not use this endpoint.");

    private AuthenticateResult Fail(string reason)
    {
        _failure = reason;
        return AuthenticateResult.Fail(reason);
    }
}
