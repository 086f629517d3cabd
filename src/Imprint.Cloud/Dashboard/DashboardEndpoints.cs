using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Dashboard.Pages;
using Imprint.Cloud.Dashboard.Security;

namespace Imprint.Cloud.Dashboard;

/// <summary>
/// Maps the dashboard's pages. Each page is a handler that loads its data through the service
/// layer (with the signed-in <see cref="Cloud.Security.Actor"/>, like the API) and renders a Razor
/// component statically; every form posts to a handler that checks its antiforgery token, calls the
/// service and redirects back.
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapImprintDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/assets/{name}", (string name, HttpContext context) => EmbeddedAssets.Serve(name, context)).AllowAnonymous().ExcludeFromDescription();

        var pages = app.MapGroup("").WithTags("Dashboard").ExcludeFromDescription().AddEndpointFilter<DashboardFilter>();
        var signedIn = pages.MapGroup("").RequireAuthorization(DashboardAuth.Scheme);
        SignInEndpoints.Map(pages, signedIn);
        OverviewEndpoints.Map(signedIn);
        JobEndpoints.Map(signedIn);
        LogEndpoints.Map(signedIn);
        StationEndpoints.Map(signedIn);
        AuditEndpoints.Map(signedIn);
        return app;
    }

    /// <summary>Marks a form handler: its antiforgery token is checked before it runs.</summary>
    internal static RouteHandlerBuilder Form(this RouteHandlerBuilder builder) => builder.AddEndpointFilter<AntiforgeryFilter>();
}
