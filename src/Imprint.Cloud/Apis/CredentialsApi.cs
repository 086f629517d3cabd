using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>API credentials: create (returns the credentials file once), list, revoke.</summary>
public static class CredentialsApi
{
    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1/credentials", "Credentials");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapPost("/{id}/revoke", Revoke);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<CredentialView>>> List(ClaimsPrincipal user, CredentialService credentials, CancellationToken ct) =>
        TypedResults.Ok(await credentials.ListAsync(user.ToActor(), ct));

    public static async Task<Created<CloudCredentials>> Create(
        CreateCredentialRequest request, ClaimsPrincipal user, HttpContext context, CloudOptions options, CredentialService credentials, CancellationToken ct)
    {
        var created = await credentials.CreateAsync(user.ToActor(), request, context.CloudUrl(options), ct);
        return TypedResults.Created($"/api/v1/credentials/{created.Id}", created);
    }

    public static async Task<Ok<CredentialView>> Revoke(string id, ClaimsPrincipal user, CredentialService credentials, CancellationToken ct) =>
        TypedResults.Ok(await credentials.RevokeAsync(user.ToActor(), id, ct));
}
