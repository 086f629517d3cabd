using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>The caller's account and its users.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1", "Account");
        group.MapGet("/me", WhoAmI);
        group.MapGet("/users", ListUsers);
        group.MapPost("/users", CreateUser);
        return app;
    }

    public static async Task<Ok<WhoAmI>> WhoAmI(ClaimsPrincipal user, AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.WhoAmIAsync(user.ToActor(), ct));

    public static async Task<Ok<IReadOnlyList<UserView>>> ListUsers(ClaimsPrincipal user, AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.ListUsersAsync(user.ToActor(), ct));

    public static async Task<Created<UserView>> CreateUser(CreateUserRequest request, ClaimsPrincipal user, AccountService accounts, CancellationToken ct)
    {
        var created = await accounts.CreateUserAsync(user.ToActor(), request, ct);
        return TypedResults.Created($"/api/v1/users/{created.Id}", created);
    }
}
