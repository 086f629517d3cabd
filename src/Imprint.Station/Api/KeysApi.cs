using Imprint.Keys;
using Imprint.Station.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imprint.Station.Api;

/// <summary><c>/api/keys</c>: the keystore. Key material is accepted, never returned.</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/keys");
        group.MapGet("/", List);
        group.MapPost("/", AddAsync);
        group.MapDelete("/{id}", Delete);
        return routes;
    }

    private static Ok<List<KeyView>> List(Station station) => TypedResults.Ok(station.Keys.List().Select(View).ToList());

    private static async Task<Results<Created<KeyView>, ProblemHttpResult>> AddAsync(Station station, HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        try
        {
            var key = text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? station.Keys.Add(SigningPublicKey.FromPem(text, "the uploaded key"))
                : station.Keys.Add(EncryptionKey.Parse(text, "the uploaded key"));
            return TypedResults.Created($"/api/keys/{key.Id}", View(key));
        }
        catch (ImprintException ex)
        {
            return ApiProblems.BadRequest(ex.Message);
        }
    }

    private static Results<NoContent, ProblemHttpResult> Delete(Station station, string id)
    {
        try
        {
            station.Keys.Delete(id);
            return TypedResults.NoContent();
        }
        catch (StationException ex)
        {
            return ApiProblems.NotFound(ex.Message);
        }
    }

    private static KeyView View(StationKey key) => new(key.Kind == StationKeyKind.Encryption ? "encryption" : "signer", key.Id);

    internal sealed record KeyView(string Kind, string Id);
}
