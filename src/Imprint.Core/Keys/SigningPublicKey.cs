using System.Security.Cryptography;
using Imprint.Keys.Internal;

namespace Imprint.Keys;

/// <summary>
/// The public half of a <see cref="SigningKey"/>: verifies image signatures. Stored as a PEM
/// <c>PUBLIC KEY</c> (DER SubjectPublicKeyInfo), the form <c>openssl pkey -pubout</c> writes.
/// </summary>
public sealed class SigningPublicKey : IEquatable<SigningPublicKey>
{
    /// <summary>The length of <see cref="FingerprintBytes"/>.</summary>
    public const int FingerprintLength = 16;

    /// <summary>The length of a canonical P-256 SubjectPublicKeyInfo (uncompressed point).</summary>
    internal const int CanonicalLength = 91;

    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[] _spki;
    private readonly byte[] _fingerprint;

    private SigningPublicKey(byte[] spki)
    {
        _spki = spki;
        _fingerprint = SHA256.HashData(spki)[..FingerprintLength];
        Fingerprint = Convert.ToHexStringLower(_fingerprint);
    }

    /// <summary>Gets the DER SubjectPublicKeyInfo, in the canonical (uncompressed point) form.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>
    /// Gets the fingerprint: the first 16 bytes of SHA-256 of <see cref="SubjectPublicKeyInfo"/>,
    /// as 32 lower-case hexadecimal digits.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Gets the fingerprint as bytes, as an image header stores it.</summary>
    public ReadOnlySpan<byte> FingerprintBytes => _fingerprint;

    /// <summary>Reads a public key from a PEM file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The file is missing, unreadable, or not a P-256 public key.</exception>
    public static SigningPublicKey Load(string path) => FromPem(KeyFile.ReadText(path), path);

    /// <summary>Parses a PEM <c>PUBLIC KEY</c>.</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">The name used in error messages (usually the file name).</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The text is not a P-256 public key.</exception>
    public static SigningPublicKey FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentNullException.ThrowIfNull(source);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new KeyException($"{source} is not a public key file: it holds no PEM block.");
        }

        var label = pem[fields.Label];
        if (label is "PRIVATE KEY" or "EC PRIVATE KEY" or "ENCRYPTED PRIVATE KEY")
        {
            throw new KeyException($"{source} holds a private key; give its public key (the .pub file written beside it).");
        }

        if (label != "PUBLIC KEY")
        {
            throw new KeyException($"{source} holds a PEM '{label}' block; a 'PUBLIC KEY' block is needed.");
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan(fields.Base64Data), der, out _))
        {
            throw new KeyException($"{source}: the PEM block's base64 is malformed.");
        }

        return FromSubjectPublicKeyInfo(der, source);
    }

    /// <summary>Creates a key from a DER SubjectPublicKeyInfo.</summary>
    /// <param name="spki">The DER bytes.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The bytes are not a P-256 public key in canonical form.</exception>
    public static SigningPublicKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> spki, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] canonical;
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(spki, out int read);
            if (read != spki.Length)
            {
                throw new KeyException($"{source}: the public key has {spki.Length - read} bytes after its end.");
            }

            var curve = ecdsa.ExportParameters(false).Curve;
            if (curve.Oid?.Value != P256Oid)
            {
                throw new KeyException($"{source} holds a key on curve {CurveName(curve)}; Imprint signs with ECDSA P-256.");
            }

            canonical = ecdsa.ExportSubjectPublicKeyInfo();
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException or ArgumentException)
        {
            // A mangled curve OID surfaces as PlatformNotSupportedException ("curve not valid for this platform").
            throw new KeyException($"{source}: the public key is malformed or not an uncompressed ECDSA P-256 key.", ex);
        }

        // One key, one fingerprint: a compressed or otherwise re-encoded point would hash differently.
        if (!spki.SequenceEqual(canonical))
        {
            throw new KeyException($"{source}: the public key is not in canonical form (DER SubjectPublicKeyInfo with an uncompressed point).");
        }

        return new SigningPublicKey(canonical);
    }

    /// <summary>Writes the key as a PEM <c>PUBLIC KEY</c>, atomically.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    public void Save(string path) => KeyFile.WritePublic(path, ExportPem());

    /// <summary>Returns the key as a PEM <c>PUBLIC KEY</c>.</summary>
    /// <returns>The PEM text, ending with a newline.</returns>
    public string ExportPem() => new string(PemEncoding.Write("PUBLIC KEY", _spki)) + "\n";

    /// <inheritdoc/>
    public bool Equals(SigningPublicKey? other) => other is not null && _spki.AsSpan().SequenceEqual(other._spki);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SigningPublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_fingerprint, 0);

    /// <inheritdoc/>
    public override string ToString() => "P-256 public key " + Fingerprint;

    /// <summary>Checks an IEEE P1363 (r ‖ s) signature over a SHA-256 digest.</summary>
    internal bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return ecdsa.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>A curve's common name, the same on every platform.</summary>
    internal static string CurveName(ECCurve curve) => curve.Oid?.Value switch
    {
        P256Oid => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        null => "(explicit parameters)",
        var oid => oid,
    };
}
