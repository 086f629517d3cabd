using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>
/// The dashboard's stylesheet, script and icon, embedded in the assembly (no front-end build, no
/// files to deploy). URLs carry a content hash, so browsers may cache them for good.
/// </summary>
public static class EmbeddedAssets
{
    private static readonly FrozenDictionary<string, Asset> All = Load();

    /// <summary>Gets the versioned URL of an asset.</summary>
    public static string Url(string name) => $"/assets/{name}?v={All[name].Version}";

    internal static IResult Serve(string name, HttpContext context)
    {
        if (!All.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = context.Request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Version}\""));
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        const string prefix = "dashboard/";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(content, type, Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string Version);
}
