using Imprint.Keys;

namespace Imprint.Station.Keys;

/// <summary>
/// The station's keystore: customer encryption keys by key id (<c>keys/encryption/ID.key</c>,
/// owner-only) and the signing public keys it trusts (<c>keys/signers/FINGERPRINT.pub</c>).
/// </summary>
/// <remarks>
/// Keys are read from disk on each use, so deleting a key (here, through the control API, or
/// with <c>imprint station keys delete</c> from another process) makes the images that need it
/// unusable at once.
/// </remarks>
/// <param name="directory">The station folder.</param>
public sealed class KeyStore(StationDirectory directory) : IKeyProvider
{
    /// <summary>Adds a key file: an encryption key (JSON) or a signing public key (PEM).</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The key as listed.</returns>
    /// <exception cref="KeyException">The file is not a key file, or holds a private signing key.</exception>
    public StationKey Add(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = File.Exists(path) && new FileInfo(path).Length < 64 * 1024 ? File.ReadAllText(path) : null;
        if (text is not null && text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return Add(SigningPublicKey.Load(path));
        }

        return Add(EncryptionKey.Load(path));
    }

    /// <summary>Adds (or replaces) an encryption key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key as listed.</returns>
    public StationKey Add(EncryptionKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = EncryptionPath(key.Id);
        key.Save(path);
        return new StationKey(StationKeyKind.Encryption, key.Id, path);
    }

    /// <summary>Adds a signing public key to the trusted signers.</summary>
    /// <param name="key">The public key.</param>
    /// <returns>The key as listed.</returns>
    public StationKey Add(SigningPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = SignerPath(key.Fingerprint);
        key.Save(path);
        return new StationKey(StationKeyKind.Signer, key.Fingerprint, path);
    }

    /// <summary>Lists the keys held: encryption keys by id, then trusted signers by fingerprint.</summary>
    /// <returns>The keys.</returns>
    public IReadOnlyList<StationKey> List() =>
    [
        .. Directory.EnumerateFiles(directory.EncryptionKeysPath, "*.key").Order(StringComparer.Ordinal)
            .Select(f => new StationKey(StationKeyKind.Encryption, Path.GetFileNameWithoutExtension(f), f)),
        .. Directory.EnumerateFiles(directory.SignersPath, "*.pub").Order(StringComparer.Ordinal)
            .Select(f => new StationKey(StationKeyKind.Signer, Path.GetFileNameWithoutExtension(f), f)),
    ];

    /// <summary>Deletes a key by encryption key id or signer fingerprint.</summary>
    /// <param name="id">The key id or fingerprint.</param>
    /// <returns>The key deleted.</returns>
    /// <exception cref="StationException">No key has that id.</exception>
    public StationKey Delete(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var key = List().FirstOrDefault(k => k.Id == id)
            ?? throw new StationException($"the station holds no key '{id}'.");
        File.Delete(key.File);
        return key;
    }

    /// <inheritdoc/>
    public EncryptionKey? FindEncryptionKey(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!EncryptionKey.IsValidId(keyId)) return null;
        var path = EncryptionPath(keyId);
        return File.Exists(path) ? EncryptionKey.Load(path) : null;
    }

    /// <summary>Returns whether a key with the given encryption key id is held.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns><see langword="true"/> when held.</returns>
    public bool HoldsEncryptionKey(string keyId) => EncryptionKey.IsValidId(keyId) && File.Exists(EncryptionPath(keyId));

    /// <summary>Returns whether the signer with the given fingerprint is trusted.</summary>
    /// <param name="fingerprint">The signer's fingerprint.</param>
    /// <returns><see langword="true"/> when trusted.</returns>
    public bool Trusts(string fingerprint) =>
        fingerprint.All(char.IsAsciiHexDigit) && File.Exists(SignerPath(fingerprint));

    /// <summary>Loads the trusted signing public keys.</summary>
    /// <returns>The keys.</returns>
    public IReadOnlyList<SigningPublicKey> TrustedSigners() =>
        [.. Directory.EnumerateFiles(directory.SignersPath, "*.pub").Order(StringComparer.Ordinal).Select(SigningPublicKey.Load)];

    private string EncryptionPath(string id) => Path.Combine(directory.EncryptionKeysPath, id + ".key");

    private string SignerPath(string fingerprint) => Path.Combine(directory.SignersPath, fingerprint.ToLowerInvariant() + ".pub");
}

/// <summary>A key held by a station.</summary>
/// <param name="Kind">What the key is for.</param>
/// <param name="Id">The encryption key id, or the signer's fingerprint.</param>
/// <param name="File">Where it is stored.</param>
public sealed record StationKey(StationKeyKind Kind, string Id, string File);

/// <summary>What a station key is for.</summary>
public enum StationKeyKind
{
    /// <summary>A customer encryption key that unlocks encrypted images.</summary>
    Encryption,

    /// <summary>A signing public key whose images the station trusts.</summary>
    Signer,
}
