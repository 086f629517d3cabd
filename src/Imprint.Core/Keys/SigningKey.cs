using System.Security.Cryptography;
using Imprint.Keys.Internal;

namespace Imprint.Keys;

/// <summary>
/// An ECDSA P-256 private key that signs images. Stored as an unencrypted PEM PKCS#8
/// <c>PRIVATE KEY</c> (OpenSSL reads it) with file mode 0600; its public half is written
/// beside it as <c>FILE.pub</c> by <c>imprint keys new-signing</c>.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _ecdsa;

    private SigningKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = SigningPublicKey.FromSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), "new key");
    }

    /// <summary>Gets the public half.</summary>
    public SigningPublicKey PublicKey { get; }

    /// <summary>Gets the public key's fingerprint (see <see cref="SigningPublicKey.Fingerprint"/>).</summary>
    public string Fingerprint => PublicKey.Fingerprint;

    /// <summary>Creates a new random key.</summary>
    /// <returns>The key.</returns>
    public static SigningKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a key from a PEM file (PKCS#8 <c>PRIVATE KEY</c> or SEC 1 <c>EC PRIVATE KEY</c>).</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The file is missing, unreadable, or not a P-256 private key.</exception>
    public static SigningKey Load(string path) => FromPem(KeyFile.ReadText(path), path);

    /// <summary>Parses a PEM private key.</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">The name used in error messages (usually the file name).</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The text is not an unencrypted P-256 private key.</exception>
    public static SigningKey FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentNullException.ThrowIfNull(source);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new KeyException($"{source} is not a signing key file: it holds no PEM block.");
        }

        var label = pem[fields.Label];
        switch (label)
        {
            case "PUBLIC KEY":
                throw new KeyException($"{source} holds a public key; signing needs the private key.");
            case "ENCRYPTED PRIVATE KEY":
                throw new KeyException($"{source} is password-protected; Imprint reads unencrypted PKCS#8 keys kept with file mode 0600.");
            case not ("PRIVATE KEY" or "EC PRIVATE KEY"):
                throw new KeyException($"{source} holds a PEM '{label}' block; a 'PRIVATE KEY' block is needed.");
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            var curve = ecdsa.ExportParameters(false).Curve;
            if (curve.Oid?.Value != "1.2.840.10045.3.1.7")
            {
                throw new KeyException($"{source} holds a key on curve {SigningPublicKey.CurveName(curve)}; Imprint signs with ECDSA P-256.");
            }

            return new SigningKey(ecdsa);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or PlatformNotSupportedException)
        {
            ecdsa.Dispose();
            throw new KeyException($"{source}: the private key is malformed or not an ECDSA key.", ex);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    /// <summary>Writes the private key as PEM PKCS#8 with file mode 0600, atomically.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    public void Save(string path) => KeyFile.WriteSecret(path, ExportPem());

    /// <summary>Returns the private key as PEM PKCS#8.</summary>
    /// <returns>The PEM text, ending with a newline.</returns>
    public string ExportPem() => _ecdsa.ExportPkcs8PrivateKeyPem() + "\n";

    /// <inheritdoc/>
    public void Dispose() => _ecdsa.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "P-256 signing key " + Fingerprint;

    /// <summary>Signs a SHA-256 digest; the signature is IEEE P1363 (r ‖ s, 64 bytes).</summary>
    internal byte[] SignHash(ReadOnlySpan<byte> hash) =>
        _ecdsa.SignHash(hash.ToArray(), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
