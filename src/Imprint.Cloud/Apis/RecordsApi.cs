using System.Globalization;
using System.Security.Claims;
using System.Text;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprint.Cloud.Apis;

/// <summary>The global log: query with paging, CSV and JSON Lines export.</summary>
public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.OwnerGroup("/api/v1/records", "Records");
        group.MapGet("/", Query);
        group.MapGet("/export", Export);
        return app;
    }

    public static async Task<Ok<RecordPage>> Query([AsParameters] RecordQuery query, int? limit, string? cursor, ClaimsPrincipal user, RecordService records, CancellationToken ct) =>
        TypedResults.Ok(await records.QueryAsync(user.ToActor(), query.ToFilter(), limit ?? 100, cursor, ct));

    public static PushStreamHttpResult Export([AsParameters] RecordQuery query, string? format, ClaimsPrincipal user, RecordService records)
    {
        var actor = user.ToActor();
        var filter = query.ToFilter();
        var export = RecordExport.For(format ?? "csv");
        var name = "records." + (format ?? "csv").ToLowerInvariant();
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
            await records.ExportAsync(actor, filter, format ?? "csv", writer, CancellationToken.None);
        }, export.ContentType, name);
    }
}

/// <summary>The log's filter as query parameters.</summary>
public sealed class RecordQuery
{
    public string? JobId { get; init; }

    public string? FactoryId { get; init; }

    public string? StationId { get; init; }

    public string? Result { get; init; }

    public string? Serial { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public RecordFilter ToFilter()
    {
        UnitResult? result = Result?.ToLowerInvariant() switch
        {
            null => null,
            "success" => UnitResult.Success,
            "failure" => UnitResult.Failure,
            _ => throw CloudException.Invalid("result", $"'{Result}' is not success or failure."),
        };
        long? serial = Serial is null ? null
            : long.TryParse(Serial, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw CloudException.Invalid("serial", $"'{Serial}' is not a serial number.");
        return new RecordFilter(JobId, FactoryId, StationId, result, serial, From, To);
    }
}
