using System.Globalization;
using System.Security.Cryptography;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Http.Features;

namespace Imprint.Cloud.Security;

/// <summary>
/// The signature headers of a station request and the text they sign (<see cref="StationSignature"/>):
/// what the signed station protocol and the station's registration share. Registration carries no
/// station header (the station has no id yet) and is verified with the key it registers.
/// </summary>
internal sealed record SignedRequest(string StationId, long Timestamp, string Nonce, string Signature)
{
    /// <summary>Whether the request carries none of the signature headers.</summary>
    public static bool IsUnsigned(HttpRequest request) =>
        new[] { StationSignature.StationHeader, StationSignature.TimestampHeader, StationSignature.NonceHeader, StationSignature.SignatureHeader }
            .All(h => string.IsNullOrEmpty(request.Headers[h]));

    /// <summary>Reads the headers and checks their form; <see langword="null"/> with a one-sentence <paramref name="failure"/> when one is missing or malformed.</summary>
    public static SignedRequest? Read(HttpRequest request, bool withStation, out string failure)
    {
        var stationId = request.Headers[StationSignature.StationHeader].ToString();
        var timestampText = request.Headers[StationSignature.TimestampHeader].ToString();
        var nonce = request.Headers[StationSignature.NonceHeader].ToString();
        var signature = request.Headers[StationSignature.SignatureHeader].ToString();
        if ((withStation && stationId.Length == 0) || timestampText.Length == 0 || nonce.Length == 0 || signature.Length == 0)
        {
            failure = withStation
                ? $"A signed station request needs all of {StationSignature.StationHeader}, {StationSignature.TimestampHeader}, {StationSignature.NonceHeader} and {StationSignature.SignatureHeader}."
                : $"A station registration must be signed with the key it registers: it needs {StationSignature.TimestampHeader}, {StationSignature.NonceHeader} and {StationSignature.SignatureHeader}.";
            return null;
        }

        if (!long.TryParse(timestampText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp))
        {
            failure = $"{StationSignature.TimestampHeader} '{timestampText}' is not a Unix time in seconds.";
            return null;
        }

        if (nonce.Length is < 16 or > 64 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            failure = $"{StationSignature.NonceHeader} must be 16 to 64 base64url characters.";
            return null;
        }

        failure = "";
        return new SignedRequest(stationId, timestamp, nonce, signature);
    }

    /// <summary>
    /// A one-sentence refusal when the timestamp is further than <paramref name="allowed"/> from the
    /// cloud's clock, else <see langword="null"/>: a captured request cannot be replayed later.
    /// </summary>
    public string? SkewProblem(TimeProvider time, TimeSpan allowed, string what)
    {
        ArgumentNullException.ThrowIfNull(time);
        var off = time.GetUtcNow().ToUnixTimeSeconds() - Timestamp;
        var skew = (long)allowed.TotalSeconds;
        return Math.Abs(off) > skew
            ? $"The {what} timestamp is {off} s off the cloud's clock; at most ±{skew} s is accepted (check the station's clock)."
            : null;
    }

    /// <summary>Reads the whole body (bounded by the endpoint's body limit) and rewinds it for the endpoint's own binding.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context, long limit)
    {
        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit);
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
        context.Request.Body.Position = 0;
        return copy.ToArray();
    }

    /// <summary>The signed text: the method, the path and query exactly as sent, the body's hash, the timestamp and the nonce.</summary>
    public byte[] Canonical(HttpContext context, byte[] body)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
        {
            target = (context.Request.PathBase + context.Request.Path).ToString() + context.Request.QueryString;
        }

        return StationSignature.CanonicalBytes(context.Request.Method, target, body, Timestamp, Nonce);
    }

    /// <summary>Checks the signature with a public key (SubjectPublicKeyInfo DER, base64).</summary>
    public static bool Verify(string publicKey, byte[] canonical, string signature)
    {
        // Importing the key costs as much as verifying with it, and every request of a station
        // uses the same key: imported keys are kept, per thread since an ECDsa instance is not
        // documented as safe for concurrent use.
        var keys = _keys ??= new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        if (!keys.TryGetValue(publicKey, out var key))
        {
            if (keys.Count >= MaxKeysPerThread)
            {
                foreach (var old in keys.Values)
                {
                    old.Dispose();
                }

                keys.Clear();
            }

            key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
            keys[publicKey] = key;
        }

        return StationSignature.Verify(key, canonical, signature);
    }

    private const int MaxKeysPerThread = 4096;

    [ThreadStatic]
    private static Dictionary<string, ECDsa>? _keys;
}
