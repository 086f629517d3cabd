using Imprint.Station.Records;
using Imprint.Station.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imprint.Station.Api;

/// <summary><c>/api/records</c>, <c>/api/counters</c>, <c>/api/log</c>: results, counters and log export.</summary>
internal static class LogApi
{
    public static IEndpointRouteBuilder MapLogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/records", RecentAsync);
        routes.MapGet("/api/records/{id}", GetAsync);
        routes.MapGet("/api/counters", CountersAsync);
        routes.MapGet("/api/log", ExportAsync);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<ProgrammingRecord>>, ProblemHttpResult>> RecentAsync(Station station, int? limit, CancellationToken ct)
    {
        int count = limit ?? 50;
        if (count is < 1 or > 10_000) return ApiProblems.BadRequest($"limit {count} must be between 1 and 10000.");
        return TypedResults.Ok(await station.State.ReadRecentAsync(count, ct));
    }

    private static async Task<Results<Ok<ProgrammingRecord>, ProblemHttpResult>> GetAsync(Station station, string id, CancellationToken ct) =>
        await station.State.GetRecordAsync(id, ct) is { } record ? TypedResults.Ok(record) : ApiProblems.NotFound($"the log holds no record {id}.");

    private static async Task<Ok<StationCounters>> CountersAsync(Station station, CancellationToken ct) => TypedResults.Ok(await station.State.GetCountersAsync(ct));

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(Station station, HttpResponse response, string? format, CancellationToken ct)
    {
        format ??= "jsonl";
        if (format is not ("csv" or "jsonl")) return ApiProblems.BadRequest($"format '{format}' is not supported; use csv or jsonl.");
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"station-log.{format}\"";
        await using var writer = new StreamWriter(response.Body, new System.Text.UTF8Encoding(false), 1 << 16);
        var records = station.State.ReadLogAsync(ct);
        if (format == "csv") await ProgrammingLogWriter.WriteCsvAsync(records, writer, ct);
        else await ProgrammingLogWriter.WriteJsonLinesAsync(records, writer, ct);
        return TypedResults.Empty;
    }
}
