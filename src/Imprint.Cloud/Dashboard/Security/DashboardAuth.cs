using System.Security.Claims;
using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Imprint.Cloud.Dashboard.Security;

/// <summary>
/// Dashboard sessions: a person signs in with an API credential (id and secret from a credentials
/// file) and gets an encrypted, HTTP-only cookie carrying the same claims an API request with that
/// credential would have, so the service layer sees the same <see cref="Actor"/> either way.
/// </summary>
public static class DashboardAuth
{
    /// <summary>The cookie authentication scheme (and the authorization policy of every dashboard page).</summary>
    public const string Scheme = "ImprintDashboard";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "imprint.session";

    /// <summary>How long a session lasts without a request (sliding).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        // Lax keeps a "view online" link from a terminal or a mail working; every form also carries an antiforgery token.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = SessionLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/signin";
        options.LogoutPath = "/signout";
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnValidatePrincipal = ValidateAsync;
        options.Events.OnRedirectToLogin = context =>
        {
            // Scripts polling live counters get a status, not a sign-in page.
            if (context.Request.Path.StartsWithSegments("/live", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            else
            {
                context.Response.Redirect(context.RedirectUri);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Builds the session principal for an authenticated credential.</summary>
    internal static ClaimsPrincipal Principal(Actor actor) => new(new ClaimsIdentity(
    [
        new Claim(CloudSchemes.AccountClaim, actor.AccountId),
        new Claim(CloudSchemes.UserClaim, actor.UserId),
        new Claim(CloudSchemes.NameClaim, actor.UserName),
        new Claim(CloudSchemes.RoleClaim, Roles.Write(actor.Role)),
        new Claim(CloudSchemes.CredentialClaim, actor.CredentialId),
    ], Scheme, CloudSchemes.NameClaim, CloudSchemes.RoleClaim));

    /// <summary>Ends a session at its next request once its credential is revoked.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var account = principal?.FindFirstValue(CloudSchemes.AccountClaim);
        var credential = principal?.FindFirstValue(CloudSchemes.CredentialClaim);
        var queries = context.HttpContext.RequestServices.GetRequiredService<DashboardQueries>();
        if (account is null || credential is null || !await queries.IsCredentialLiveAsync(account, credential, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
        }
    }
}
