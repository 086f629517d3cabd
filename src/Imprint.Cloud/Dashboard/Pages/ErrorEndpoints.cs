using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Dashboard.Security;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>Renders refusals as pages.</summary>
internal static class ErrorEndpoints
{
    public static async Task<IResult> PageAsync(HttpContext context, int status, string title, string message)
    {
        var signedIn = context.User.Identity is { IsAuthenticated: true, AuthenticationType: DashboardAuth.Scheme };
        var frame = signedIn
            ? await Frame.ForAsync(context, title, Section.None, context.RequestAborted).ConfigureAwait(false)
            : Frame.Public(context, title);
        return View.Page<ErrorPage>(new ErrorModel(frame, status, title, message), status);
    }
}
