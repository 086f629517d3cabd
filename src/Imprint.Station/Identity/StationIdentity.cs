using System.Security.Cryptography;
using System.Text.Json;
using Imprint.IO;
using Imprint.Station.Internal;

namespace Imprint.Station.Identity;

/// <summary>
/// Who a station is: a stable id and its own ECDSA P-256 key pair, created on first use. The
/// id goes into every programming record; the cloud will authenticate the station by its key.
/// </summary>
public sealed class StationIdentity : IDisposable
{
    private readonly ECDsa _key;

    private StationIdentity(string id, DateTimeOffset createdAt, ECDsa key)
    {
        Id = id;
        CreatedAt = createdAt;
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(PublicKey));
    }

    /// <summary>Gets the station id (for example <c>st-01JD…</c>).</summary>
    public string Id { get; }

    /// <summary>Gets when the identity was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets the public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Gets the SHA-256 of <see cref="PublicKey"/> as lower-case hex.</summary>
    public string Fingerprint { get; }

    /// <summary>Loads the identity of <paramref name="directory"/>, creating it on first use.</summary>
    /// <param name="directory">The station folder.</param>
    /// <param name="time">The clock stamping a new identity.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="StationException">The identity files are unreadable or do not match.</exception>
    public static async Task<StationIdentity> LoadOrCreateAsync(StationDirectory directory, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(time);
        if (File.Exists(directory.IdentityPath) && File.Exists(directory.IdentityKeyPath))
        {
            return await LoadAsync(directory, cancellationToken);
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = time.GetUtcNow();
        var identity = new StationIdentity("st-" + Ulid.New(now).ToLowerInvariant(), now, key);

        // Private key first: a crash between the two writes leaves no public file, so the
        // next start creates a fresh pair instead of pairing an id with a missing key.
        await AtomicFile.WriteAsync(directory.IdentityKeyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), AtomicFile.OwnerOnly, cancellationToken);
        var document = new IdentityDocument(identity.Id, now, Convert.ToBase64String(identity.PublicKey), identity.Fingerprint);
        await AtomicFile.WriteAsync(directory.IdentityPath, JsonSerializer.SerializeToUtf8Bytes(document, IdentityDocument.Options), cancellationToken: cancellationToken);
        return identity;
    }

    /// <summary>Gets the key pair, for the cloud client that signs the station's requests.</summary>
    internal ECDsa Key => _key;

    /// <summary>Signs <paramref name="data"/> with the station's private key (ECDSA P-256, SHA-256, IEEE P1363 format).</summary>
    /// <param name="data">The bytes to sign.</param>
    /// <returns>The 64-byte signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    private static async Task<StationIdentity> LoadAsync(StationDirectory directory, CancellationToken cancellationToken)
    {
        IdentityDocument? document;
        string pem;
        try
        {
            await using var stream = File.OpenRead(directory.IdentityPath);
            document = await JsonSerializer.DeserializeAsync<IdentityDocument>(stream, IdentityDocument.Options, cancellationToken);
            pem = await File.ReadAllTextAsync(directory.IdentityKeyPath, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new StationException($"{directory.IdentityPath} is not a valid station identity file: {ex.Message}", ex);
        }

        if (document is null || string.IsNullOrEmpty(document.Id))
        {
            throw new StationException($"{directory.IdentityPath} is not a valid station identity file: the id is missing.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new StationException($"{directory.IdentityKeyPath} does not hold an ECDSA private key in PEM form.", ex);
        }

        var identity = new StationIdentity(document.Id, document.CreatedAt, key);
        if (identity.Fingerprint != document.Fingerprint)
        {
            identity.Dispose();
            throw new StationException($"{directory.IdentityKeyPath} does not match the public key in {directory.IdentityPath}.");
        }

        return identity;
    }

    private sealed record IdentityDocument(string Id, DateTimeOffset CreatedAt, string PublicKey, string Fingerprint)
    {
        public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    }
}
