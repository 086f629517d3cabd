using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Imprint.Station.Api;

/// <summary>Refuses every request that does not carry the station's API key (<c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>).</summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, string apiKey)
{
    public async Task InvokeAsync(HttpContext context)
    {
        string? presented = context.Request.Headers["X-Api-Key"].FirstOrDefault();
        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        if (presented is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (!ApiKey.Matches(apiKey, presented))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsJsonAsync(
                new ProblemDetails
                {
                    Status = 401,
                    Title = "Unauthorized",
                    Detail = presented is null
                        ? "the request carries no API key; send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'."
                        : "the API key is not this station's.",
                },
                options: null,
                contentType: "application/problem+json",
                cancellationToken: context.RequestAborted);
            return;
        }

        await next(context);
    }
}
