using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Dashboard.Security;
using Imprint.Cloud.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>Signing in with a credential's id and secret, and signing out.</summary>
internal static class SignInEndpoints
{
    public static void Map(RouteGroupBuilder pages, RouteGroupBuilder signedIn)
    {
        pages.MapGet("/signin", Show).AllowAnonymous();
        pages.MapPost("/signin", SignInAsync).AllowAnonymous().Form();
        // A handler of only HttpContext would bind as a RequestDelegate and drop its result.
        signedIn.MapPost("/signout", (Delegate)SignOutAsync).Form();
    }

    public static async Task<IResult> Show(string? returnUrl, HttpContext context)
    {
        if ((await context.AuthenticateAsync(DashboardAuth.Scheme)).Succeeded)
        {
            return TypedResults.Redirect(LocalUrl(returnUrl));
        }

        return View.Page<SignInPage>(new SignInModel(Frame.Public(context, "Sign in"), null, returnUrl, null));
    }

    public static async Task<IResult> SignInAsync(HttpContext context, CredentialService credentials, ILoggerFactory logs, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        var id = form["credentialId"].ToString().Trim();
        var secret = form["secret"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (id.Length == 0 || secret.Length == 0)
        {
            return Refused(context, id, returnUrl, "Enter both the credential id and its secret.");
        }

        var (actor, failure) = await credentials.AuthenticateAsync(id, secret, ct);
        if (actor is null)
        {
            logs.CreateLogger("Imprint.Cloud.Dashboard").LogInformation("Dashboard sign-in with credential {CredentialId} refused: {Reason}", id, failure);
            return Refused(context, id, returnUrl, failure!);
        }

        await context.SignInAsync(DashboardAuth.Scheme, DashboardAuth.Principal(actor), new AuthenticationProperties { IsPersistent = false });
        logs.CreateLogger("Imprint.Cloud.Dashboard").LogInformation("Dashboard session started for {User} of account {Account} with credential {CredentialId}", actor.UserId, actor.AccountId, actor.CredentialId);
        return TypedResults.Redirect(LocalUrl(returnUrl));
    }

    public static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(DashboardAuth.Scheme);
        FlashMessage.Set(context, FlashKind.Done, "Signed out.");
        return TypedResults.Redirect("/signin");
    }

    /// <summary>Only a path on this site: an absolute or protocol-relative URL would make the sign-in page an open redirect.</summary>
    internal static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] != '/') && !url.Any(c => c == '\\' || char.IsControl(c)) ? url : "/";

    private static IResult Refused(HttpContext context, string id, string returnUrl, string error) =>
        View.Page<SignInPage>(new SignInModel(Frame.Public(context, "Sign in"), id, returnUrl, error), StatusCodes.Status401Unauthorized);
}
