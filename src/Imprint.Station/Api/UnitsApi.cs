using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imprint.Station.Api;

/// <summary><c>/api/units</c> and <c>/api/status</c>: start programming and watch it.</summary>
internal static class UnitsApi
{
    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/units", StartAsync);
        routes.MapGet("/api/units/{id}", Get);
        routes.MapGet("/api/status", Status);
        return routes;
    }

    private static async Task<Results<Accepted<UnitRunStatus>, ProblemHttpResult>> StartAsync(Station station, UnitRunner runner, StartRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.ImageId)) return ApiProblems.BadRequest("the request names no image: give imageId.");
        if (await station.Images.FindAsync(request.ImageId, ct) is null) return ApiProblems.NotFound($"the station holds no image {request.ImageId}.");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, hex) in request.Data ?? [])
        {
            if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            {
                return ApiProblems.BadRequest($"data '{name}': '{hex}' is not an even number of hexadecimal digits.");
            }

            data[name] = Convert.FromHexString(hex);
        }

        var run = runner.TryStart(request.ImageId, data);
        if (run is null) return ApiProblems.Conflict($"the station is programming a unit already (run {runner.Current?.Id}); one unit runs at a time.");
        return TypedResults.Accepted($"/api/units/{run.Id}", run);
    }

    private static Results<Ok<UnitRunStatus>, ProblemHttpResult> Get(UnitRunner runner, string id) =>
        runner.Find(id) is { } run ? TypedResults.Ok(run) : ApiProblems.NotFound($"no programming run {id} is known to this station (runs are kept in memory, the latest 200).");

    private static Ok<StatusView> Status(Station station, UnitRunner runner) =>
        TypedResults.Ok(new StatusView(station.Identity.Id, runner.Target.OriginalString, runner.Current is not null, runner.Current));

    internal sealed record StartRequest(string? ImageId, Dictionary<string, string>? Data);

    internal sealed record StatusView(string StationId, string Target, bool Busy, UnitRunStatus? Current);
}
