using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imprint.Station.Api;

/// <summary><c>/api/station</c>: who the station is.</summary>
internal static class StationInfoApi
{
    public static IEndpointRouteBuilder MapStationInfoApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/station", Get);
        return routes;
    }

    private static Ok<StationView> Get(Station station, UnitRunner runner) => TypedResults.Ok(new StationView(
        station.Identity.Id,
        station.Identity.Fingerprint,
        Convert.ToBase64String(station.Identity.PublicKey),
        runner.Target.OriginalString,
        station.TrustsAnySigner));

    internal sealed record StationView(string Id, string Fingerprint, string PublicKey, string Target, bool TrustAnySigner);
}
