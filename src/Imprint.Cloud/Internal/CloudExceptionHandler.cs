using System.Text.Json;
using Imprint.Cloud.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Internal;

/// <summary>Turns refused requests into ProblemDetails: the service layer's <see cref="CloudException"/>s and ASP.NET's bad-request errors (malformed JSON, oversized bodies).</summary>
internal sealed class CloudExceptionHandler(ILogger<CloudExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case CloudException ex:
                logger.LogInformation("Refused {Method} {Path}: {Status} {Title}", httpContext.Request.Method, httpContext.Request.Path, (int)ex.Kind, ex.Title);
                await Problems.WriteAsync(httpContext, (int)ex.Kind, ex.Title, ex.Message).ConfigureAwait(false);
                return true;
            case BadHttpRequestException ex:
                var (title, detail) = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? ("Body too large", "The request body is larger than this endpoint accepts.")
                    : ex.InnerException is JsonException json
                        ? ("Malformed JSON", "The request body is not valid JSON for this endpoint: " + json.Message)
                        : ("Bad request", ex.Message);
                logger.LogInformation("Bad request {Method} {Path}: {Status} {Title}", httpContext.Request.Method, httpContext.Request.Path, ex.StatusCode, title);
                await Problems.WriteAsync(httpContext, ex.StatusCode, title, detail).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }
}
