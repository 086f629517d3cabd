using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>The append-only audit trail (read only: there is no endpoint that changes it).</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.OwnerGroup("/api/v1/audit", "Audit").MapGet("/", List);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<AuditEntry>>> List(int? limit, long? before, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.ListAsync(user.ToActor(), limit ?? 100, before, ct));
}
