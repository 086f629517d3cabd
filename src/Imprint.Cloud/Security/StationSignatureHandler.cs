using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprint.Cloud.Security;

/// <summary>
/// Authenticates station requests by their ECDSA P-256 signature over method, path, body hash,
/// timestamp and nonce (<see cref="StationSignature"/>). Timestamps outside the allowed skew and
/// nonces seen before are refused; nonces live in the database so the check holds across hosts.
/// </summary>
internal sealed class StationSignatureHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    StationService stations, CloudOptions cloud)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (SignedRequest.IsUnsigned(Request))
        {
            return AuthenticateResult.NoResult();
        }

        if (SignedRequest.Read(Request, withStation: true, out var malformed) is not { } signed)
        {
            return Fail(malformed);
        }

        var (stationId, timestamp, nonce) = (signed.StationId, signed.Timestamp, signed.Nonce);
        var skew = (long)cloud.ClockSkew.TotalSeconds;
        if (signed.SkewProblem(TimeProvider, cloud.ClockSkew, "request") is { } skewed)
        {
            return Fail(skewed);
        }

        var nonceInTransaction = Context.GetEndpoint()?.Metadata.GetMetadata<NonceInTransactionMetadata>() is not null;
        var station = await stations.FindForAuthenticationAsync(stationId, statusCheckedInTransaction: nonceInTransaction, Context.RequestAborted).ConfigureAwait(false);
        if (station is null)
        {
            return Fail($"Station '{stationId}' is not known.");
        }

        if (station.Status != "active")
        {
            return Fail(StationService.DeprovisionedMessage(stationId));
        }

        var body = await SignedRequest.ReadBodyAsync(Context, cloud.MaxRequestBytes).ConfigureAwait(false);
        if (!SignedRequest.Verify(station.PublicKey, signed.Canonical(Context, body), signed.Signature))
        {
            Logger.LogWarning("Bad signature from station {StationId} on {Method} {Path}", stationId, Request.Method, Request.Path);
            return Fail($"The signature of station '{stationId}' does not verify: wrong key, or the method, path, body, timestamp or nonce changed.");
        }

        // Keep the nonce until the timestamp can no longer pass the skew check.
        var keepUntil = (timestamp + skew + 60) * 1000;
        var claims = new List<Claim>
        {
            new(CloudSchemes.StationClaim, station.Id),
            new(CloudSchemes.AccountClaim, station.AccountId),
            new(CloudSchemes.FactoryClaim, station.FactoryId),
            new(CloudSchemes.RoleClaim, Roles.Write(Role.Station)),
        };
        if (nonceInTransaction)
        {
            // The endpoint's own transaction records the nonce (one commit instead of two) and checks the station's status.
            claims.Add(new Claim(CloudSchemes.NonceClaim, nonce));
            claims.Add(new Claim(CloudSchemes.NonceUntilClaim, keepUntil.ToString(CultureInfo.InvariantCulture)));
        }
        else if (!await stations.UseNonceAsync(station, nonce, keepUntil, Context.RequestAborted).ConfigureAwait(false))
        {
            Logger.LogWarning("Replayed nonce from station {StationId}", stationId);
            return Fail(StationService.ReplayMessage(nonce, stationId));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Station not authenticated",
            _failure ?? "This endpoint needs a signed station request (see docs/cloud-api.md, 'Station signatures').");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "The station may not use this endpoint.");

    private AuthenticateResult Fail(string reason)
    {
        _failure = reason;
        return AuthenticateResult.Fail(reason);
    }
}
