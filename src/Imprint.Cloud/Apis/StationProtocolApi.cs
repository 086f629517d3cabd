using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>What stations call: register (with a token), then signed heartbeat, grants, results and image download.</summary>
public static class StationProtocolApi
{
    public static IEndpointRouteBuilder MapStationProtocolApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/station/v1/register", Register).WithTags("Station protocol").WithProblems().AllowAnonymous();
        var group = app.StationGroup("/station/v1", "Station protocol");
        group.MapGet("/self", Self);
        group.MapPost("/heartbeat", Heartbeat);
        group.MapPost("/grants", RequestGrant).WithMetadata(new NonceInTransactionMetadata());
        group.MapPost("/results", ReportResults).WithMetadata(new NonceInTransactionMetadata());
        group.MapGet("/jobs/{id}/image", DownloadImage);
        return app;
    }

    public static async Task<Created<StationRegistration>> Register(RegisterStationRequest request, StationService stations, CancellationToken ct)
    {
        var registration = await stations.RegisterAsync(request, ct);
        return TypedResults.Created((string?)null, registration);
    }

    public static async Task<Ok<StationSelf>> Self(ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.SelfAsync(user.ToStation(), ct));

    public static async Task<Ok<StationSelf>> Heartbeat(HeartbeatRequest request, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.HeartbeatAsync(user.ToStation(), request, ct));

    public static async Task<Ok<SignedGrant>> RequestGrant(GrantRequest request, ClaimsPrincipal user, GrantService grants, CancellationToken ct) =>
        TypedResults.Ok(await grants.RequestAsync(user.ToStation(), request, ct));

    public static async Task<Ok<ResultsResponse>> ReportResults(ResultsRequest request, ClaimsPrincipal user, RecordService records, CancellationToken ct) =>
        TypedResults.Ok(await records.IngestAsync(user.ToStation(), request.Records ?? [], ct));

    public static async Task<FileStreamHttpResult> DownloadImage(string id, ClaimsPrincipal user, JobService jobs, CancellationToken ct)
    {
        var (content, sha) = await jobs.OpenImageAsync(user.ToStation(), id, ct);
        return TypedResults.File(content, "application/octet-stream", $"{sha}.imp");
    }
}
