using System.Security.Cryptography;
using System.Text;

namespace Imprint.Sdk.Cloud;

/// <summary>
/// The request-signing scheme stations use with the cloud. The signed text is
/// <c>METHOD\nPATH_AND_QUERY\nhex(SHA-256(body))\nTIMESTAMP\nNONCE</c> (UTF-8), signed with the
/// station's ECDSA P-256 key (SHA-256, IEEE P1363 r||s, base64). TIMESTAMP is Unix seconds; NONCE
/// is 16 to 64 characters of base64url, never reused within the replay window.
/// </summary>
public static class StationSignature
{
    /// <summary>The header carrying the station id.</summary>
    public const string StationHeader = "X-Imprint-Station";

    /// <summary>The header carrying the Unix time in seconds.</summary>
    public const string TimestampHeader = "X-Imprint-Timestamp";

    /// <summary>The header carrying the nonce.</summary>
    public const string NonceHeader = "X-Imprint-Nonce";

    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-Imprint-Signature";

    /// <summary>Builds the text that is signed.</summary>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="pathAndQuery">The request path and query string as sent, for example <c>/station/v1/grants</c>.</param>
    /// <param name="body">The request body (empty for none).</param>
    /// <param name="timestamp">The Unix time in seconds.</param>
    /// <param name="nonce">The nonce.</param>
    /// <returns>The UTF-8 bytes to sign.</returns>
    public static byte[] CanonicalBytes(string method, string pathAndQuery, ReadOnlySpan<byte> body, long timestamp, string nonce)
    {
        var text = string.Join('\n',
            method.ToUpperInvariant(),
            pathAndQuery,
            Convert.ToHexStringLower(SHA256.HashData(body)),
            timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            nonce);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Signs a request.</summary>
    /// <param name="key">The station's private key.</param>
    /// <param name="canonical">The bytes from <see cref="CanonicalBytes"/>.</param>
    /// <returns>The signature, base64.</returns>
    public static string Sign(ECDsa key, ReadOnlySpan<byte> canonical)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(key.SignData(canonical, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Checks a request signature.</summary>
    /// <param name="key">The station's public key.</param>
    /// <param name="canonical">The bytes from <see cref="CanonicalBytes"/>.</param>
    /// <param name="signature">The signature, base64.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool Verify(ECDsa key, ReadOnlySpan<byte> canonical, string signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> raw = stackalloc byte[128];
        if (!Convert.TryFromBase64String(signature, raw, out var length) || length != 64)
        {
            return false;
        }

        return key.VerifyData(canonical, raw[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Makes a fresh nonce (16 random bytes, base64url).</summary>
    /// <returns>The nonce.</returns>
    public static string NewNonce() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>Verifies a grant's signature with the cloud's public key.</summary>
    /// <param name="cloudPublicKey">The cloud's public key (SubjectPublicKeyInfo DER, base64), from registration.</param>
    /// <param name="grant">The signed grant.</param>
    /// <returns>Whether the signature is valid for the payload.</returns>
    public static bool VerifyGrant(string cloudPublicKey, SignedGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(cloudPublicKey), out _);
        return key.VerifyData(Convert.FromBase64String(grant.Payload), Convert.FromBase64String(grant.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
