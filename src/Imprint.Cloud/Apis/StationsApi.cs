using System.Security.Claims;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>The owner's view of stations: list, utilization, deprovision, reassign.</summary>
public static class StationsApi
{
    public static IEndpointRouteBuilder MapStationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1/stations", "Stations");
        group.MapGet("/", List);
        group.MapGet("/utilization", Utilization);
        group.MapGet("/{id}", Get);
        group.MapPost("/{id}/deprovision", Deprovision);
        group.MapPost("/{id}/reassign", Reassign);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<StationView>>> List(string? factoryId, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.ListAsync(user.ToActor(), factoryId, ct));

    public static async Task<Ok<StationView>> Get(string id, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.GetAsync(user.ToActor(), id, ct));

    public static async Task<Ok<IReadOnlyList<StationUtilization>>> Utilization(
        DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, StationService stations, CloudOptions options, CancellationToken ct)
    {
        var end = to ?? options.Time.GetUtcNow();
        return TypedResults.Ok(await stations.UtilizationAsync(user.ToActor(), from ?? end.AddDays(-1), end, ct));
    }

    public static async Task<Ok<StationView>> Deprovision(string id, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.DeprovisionAsync(user.ToActor(), id, ct));

    public static async Task<Ok<StationView>> Reassign(string id, ReassignStationRequest request, ClaimsPrincipal user, StationService stations, CancellationToken ct) =>
        TypedResults.Ok(await stations.ReassignAsync(user.ToActor(), id, request.FactoryId, ct));
}
