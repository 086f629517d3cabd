using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>Virtual factories and their provisioning tokens.</summary>
public static class FactoriesApi
{
    public static IEndpointRouteBuilder MapFactoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1/factories", "Factories");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{id}", Get);
        group.MapPut("/{id}", Rename);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/provisioning-tokens", CreateProvisioningToken);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<FactoryView>>> List(ClaimsPrincipal user, FactoryService factories, CancellationToken ct) =>
        TypedResults.Ok(await factories.ListAsync(user.ToActor(), ct));

    public static async Task<Ok<FactoryView>> Get(string id, ClaimsPrincipal user, FactoryService factories, CancellationToken ct) =>
        TypedResults.Ok(await factories.GetAsync(user.ToActor(), id, ct));

    public static async Task<Created<FactoryView>> Create(FactoryNameRequest request, ClaimsPrincipal user, FactoryService factories, CancellationToken ct)
    {
        var created = await factories.CreateAsync(user.ToActor(), request.Name, ct);
        return TypedResults.Created($"/api/v1/factories/{created.Id}", created);
    }

    public static async Task<Ok<FactoryView>> Rename(string id, FactoryNameRequest request, ClaimsPrincipal user, FactoryService factories, CancellationToken ct) =>
        TypedResults.Ok(await factories.RenameAsync(user.ToActor(), id, request.Name, ct));

    public static async Task<NoContent> Delete(string id, ClaimsPrincipal user, FactoryService factories, CancellationToken ct)
    {
        await factories.DeleteAsync(user.ToActor(), id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Created<ProvisioningToken>> CreateProvisioningToken(
        string id, ProvisioningTokenRequest request, ClaimsPrincipal user, HttpContext context, CloudOptions options, StationService stations, CancellationToken ct)
    {
        var token = await stations.CreateProvisioningTokenAsync(user.ToActor(), id, request, context.CloudUrl(options), ct);
        return TypedResults.Created((string?)null, token);
    }
}
