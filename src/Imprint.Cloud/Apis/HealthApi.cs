using Imprint.Cloud.Internal;
using Imprint.Cloud.Security;
using Imprint.Cloud.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>Liveness (<c>/health</c>: the process answers) and readiness (<c>/ready</c>: schema migrated, key loaded, database answers).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health).WithTags("Health").AllowAnonymous();
        app.MapGet("/ready", Ready).WithTags("Health").AllowAnonymous();
        app.MapGet("/api/v1/cloud-key", CloudKey).WithTags("Health").AllowAnonymous();
        return app;
    }

    public static Ok<HealthStatus> Health() => TypedResults.Ok(new HealthStatus("healthy", null));

    internal static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(ReadyState ready, CloudDatabase database, CancellationToken ct)
    {
        if (!ready.IsReady)
        {
            return TypedResults.Json(new HealthStatus("starting", database.Description), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return await database.PingAsync(ct)
            ? TypedResults.Ok(new HealthStatus("ready", database.Dialect.ToString()))
            : TypedResults.Json(new HealthStatus("database unreachable", database.Dialect.ToString()), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public static Ok<CloudKeyView> CloudKey(CloudSigningKey key) => TypedResults.Ok(new CloudKeyView(key.KeyId, key.PublicKey));
}

/// <summary>A health answer.</summary>
/// <param name="Status">healthy, ready, starting or database unreachable.</param>
/// <param name="Database">The database engine.</param>
public sealed record HealthStatus(string Status, string? Database);

/// <summary>The cloud's grant-signing public key.</summary>
/// <param name="KeyId">Its id.</param>
/// <param name="PublicKey">SubjectPublicKeyInfo DER, base64.</param>
public sealed record CloudKeyView(string KeyId, string PublicKey);
