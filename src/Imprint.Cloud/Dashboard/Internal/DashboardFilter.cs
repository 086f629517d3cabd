using Imprint.Cloud.Dashboard.Pages;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>
/// Runs around every dashboard handler: sets the security headers and turns the service layer's
/// refusals into an error page with the same status the API would answer (another account's job
/// is a 404, a role that may not act a 403).
/// </summary>
internal sealed class DashboardFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        SecurityHeaders.Apply(context.HttpContext.Response);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (CloudException ex)
        {
            return await ErrorEndpoints.PageAsync(context.HttpContext, (int)ex.Kind, ex.Title, ex.Message).ConfigureAwait(false);
        }
    }
}
