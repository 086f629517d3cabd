namespace Imprint.Station;

/// <summary>
/// The folder that holds all of a station's state: identity, keystore, image store and the
/// SQLite database. Copying the folder (with the station stopped) moves the station.
/// </summary>
/// <remarks>
/// Layout: <c>station.json</c> and <c>identity.key</c> (identity), <c>station.db</c> (counters,
/// serial pools, programming log; WAL files beside it), <c>station.lock</c> (held by the one
/// process that programs), <c>images/</c> (images as delivered), <c>keys/encryption/</c> and
/// <c>keys/signers/</c> (keystore), <c>api-key</c> (control API key, when the daemon made one).
/// </remarks>
public sealed class StationDirectory
{
    /// <summary>The environment variable naming Imprint's home folder.</summary>
    public const string HomeVariable = Imprint.IO.ImprintHome.Variable;

    /// <summary>Initializes a new instance for <paramref name="path"/>, creating the folders it needs.</summary>
    /// <param name="path">The station folder.</param>
    public StationDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path);
            Directory.CreateDirectory(ImagesPath);
            Directory.CreateDirectory(EncryptionKeysPath);
            Directory.CreateDirectory(SignersPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StationException($"station directory {Path} cannot be created: {ex.Message}", ex);
        }
    }

    /// <summary>Gets the full path of the station folder.</summary>
    public string Path { get; }

    /// <summary>Gets the SQLite database path.</summary>
    public string DatabasePath => System.IO.Path.Combine(Path, "station.db");

    /// <summary>Gets the lock file held by the process that programs.</summary>
    public string LockPath => System.IO.Path.Combine(Path, "station.lock");

    /// <summary>Gets the public identity file (id, public key).</summary>
    public string IdentityPath => System.IO.Path.Combine(Path, "station.json");

    /// <summary>Gets the identity's private key file (PKCS#8 PEM, owner-only).</summary>
    public string IdentityKeyPath => System.IO.Path.Combine(Path, "identity.key");

    /// <summary>Gets the control API key file the daemon creates when none is given.</summary>
    public string ApiKeyPath => System.IO.Path.Combine(Path, "api-key");

    /// <summary>Gets the image store folder.</summary>
    public string ImagesPath => System.IO.Path.Combine(Path, "images");

    /// <summary>Gets the folder of customer encryption keys.</summary>
    public string EncryptionKeysPath => System.IO.Path.Combine(Path, "keys", "encryption");

    /// <summary>Gets the folder of trusted signing public keys.</summary>
    public string SignersPath => System.IO.Path.Combine(Path, "keys", "signers");

    /// <summary>
    /// Gets the default station folder: <c>$IMPRINT_HOME/station</c>, else
    /// <c>station</c> under the user's data folder (<c>~/.local/share/imprint/station</c> on Linux).
    /// </summary>
    /// <returns>The default path.</returns>
    public static string DefaultPath()
    {
        return Imprint.IO.ImprintHome.Combine("station");
    }
}
