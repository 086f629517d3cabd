using System.Globalization;
using Imprint.Checksums;
using Imprint.Station.Cloud;
using Imprint.Station.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imprint.Station.Api;

/// <summary><c>/api/images</c>: the image store.</summary>
internal static class ImagesApi
{
    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/images");
        group.MapGet("/", ListAsync);
        group.MapPost("/", UploadAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapGet("/compare", CompareCrcAsync);
        group.MapPost("/compare", CompareFileAsync);
        group.MapPost("/sync", SyncAsync);
        return routes;
    }

    private static async Task<Results<Ok<ImageSyncReport>, ProblemHttpResult>> SyncAsync(Station station, CancellationToken ct)
    {
        if (station.Cloud is not { } link) return ApiProblems.Conflict(CloudProblems.NotProvisioned(station));
        try
        {
            return TypedResults.Ok(await link.SyncImagesAsync(ct));
        }
        catch (ImprintException ex)
        {
            return CloudProblems.BadGateway(ex);
        }
    }

    private static async Task<Ok<List<ImageView>>> ListAsync(Station station, CancellationToken ct) =>
        TypedResults.Ok((await station.Images.ListAsync(ct)).Select(i => View(station, i)).ToList());

    private static async Task<Results<Created<ImageView>, ProblemHttpResult>> UploadAsync(Station station, HttpRequest request, CancellationToken ct)
    {
        try
        {
            var stored = await station.Images.AddAsync(request.Body, ct);
            return TypedResults.Created($"/api/images/{stored.ImageId}", View(station, stored));
        }
        catch (ImprintException ex)
        {
            return ApiProblems.BadRequest(ex.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Station station, string id, CancellationToken ct)
    {
        try
        {
            await station.Images.RemoveAsync(id, ct);
            return TypedResults.NoContent();
        }
        catch (StationException ex)
        {
            return ApiProblems.NotFound(ex.Message);
        }
    }

    private static async Task<Results<Ok<CompareView>, ProblemHttpResult>> CompareCrcAsync(Station station, string? crc, CancellationToken ct)
    {
        var text = crc?.StartsWith("0x", StringComparison.OrdinalIgnoreCase) == true ? crc[2..] : crc;
        if (!uint.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint value))
        {
            return ApiProblems.BadRequest($"crc '{crc}' is not a CRC-32 in hexadecimal (for example 1A2B3C4D).");
        }

        return TypedResults.Ok(await CompareAsync(station, value, ct));
    }

    private static async Task<Ok<CompareView>> CompareFileAsync(Station station, HttpRequest request, CancellationToken ct)
    {
        uint crc = 0;
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, ct)) > 0) crc = Crc32.Append(crc, buffer.AsSpan(0, n));
        return TypedResults.Ok(await CompareAsync(station, crc, ct));
    }

    private static async Task<CompareView> CompareAsync(Station station, uint crc, CancellationToken ct) =>
        new(crc.ToString("X8", CultureInfo.InvariantCulture), [.. (await station.Images.FindByCrcAsync(crc, ct)).Select(i => i.ImageId)]);

    private static ImageView View(Station station, StoredImage i)
    {
        string? problem = null;
        if (!station.TrustsAnySigner && !station.Keys.Trusts(i.Signer)) problem = $"signer {i.Signer} is not trusted";
        else if (i.KeyId is { } key && !station.Keys.HoldsEncryptionKey(key)) problem = $"key {key} is not held";
        return new ImageView(i.ImageId, i.Name, i.Type.ToString().ToLowerInvariant(), i.KeyId, i.Signer, i.FileCrc.ToString("X8", CultureInfo.InvariantCulture), i.Size, i.AddedAt, problem is null, problem);
    }

    internal sealed record ImageView(
        string Id, string? Name, string Type, string? KeyId, string Signer, string FileCrc, long Size, DateTimeOffset AddedAt, bool Usable, string? Problem);

    internal sealed record CompareView(string Crc, IReadOnlyList<string> Matches);
}
