using Imprint.Cloud.Dashboard.Pages;
using Microsoft.AspNetCore.Antiforgery;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>Refuses a form post without a valid antiforgery token (cross-site request forgery) before its handler runs.</summary>
internal sealed class AntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await antiforgery.ValidateRequestAsync(context.HttpContext).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return await ErrorEndpoints.PageAsync(context.HttpContext, StatusCodes.Status400BadRequest, "Form not accepted",
                "The form had no valid security token (it may have expired, or it came from another site): reload the page and try again.").ConfigureAwait(false);
        }

        return await next(context).ConfigureAwait(false);
    }
}
