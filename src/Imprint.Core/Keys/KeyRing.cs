namespace Imprint.Keys;

/// <summary>
/// The encryption keys a machine holds: a simple in-memory <see cref="IKeyProvider"/>, loaded
/// from key files or from a folder of them.
/// </summary>
public sealed class KeyRing : IKeyProvider
{
    private readonly Dictionary<string, (EncryptionKey Key, string Source)> _keys = new(StringComparer.Ordinal);

    /// <summary>Initializes an empty key ring.</summary>
    public KeyRing()
    {
    }

    /// <summary>Initializes a key ring holding <paramref name="keys"/>.</summary>
    /// <param name="keys">The keys.</param>
    /// <exception cref="KeyException">Two different keys share one id.</exception>
    public KeyRing(IEnumerable<EncryptionKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys) Add(key);
    }

    /// <summary>Gets the number of keys held.</summary>
    public int Count => _keys.Count;

    /// <summary>Gets the ids of the keys held, sorted.</summary>
    public IReadOnlyList<string> Ids => [.. _keys.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Loads a folder of key files (see <see cref="AddFolder"/>).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The key ring.</returns>
    /// <exception cref="KeyException">The folder is missing, a key file is malformed, or two different keys share one id.</exception>
    public static KeyRing LoadFolder(string directory)
    {
        var ring = new KeyRing();
        ring.AddFolder(directory);
        return ring;
    }

    /// <summary>
    /// Adds every <c>*.key</c> file of <paramref name="directory"/> that holds an encryption
    /// key. PEM files (signing keys) are skipped; any other <c>*.key</c> file that is not an
    /// encryption key is an error.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <exception cref="KeyException">The folder is missing, a key file is malformed, or two different keys share one id.</exception>
    public void AddFolder(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new KeyException($"{directory}: the key folder does not exist.");
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.key").Order(StringComparer.Ordinal))
        {
            var text = Internal.KeyFile.ReadText(file);
            if (text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal)) continue;
            Add(EncryptionKey.Parse(text, file), file);
        }
    }

    /// <summary>Adds an encryption key file, or every key file of a folder.</summary>
    /// <param name="path">A key file or a folder of them.</param>
    /// <exception cref="KeyException">The file or folder is missing or malformed, or two different keys share one id.</exception>
    public void AddPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) AddFolder(path);
        else Add(EncryptionKey.Load(path), path);
    }

    /// <summary>Adds a key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyException">A different key with the same id is already held.</exception>
    public void Add(EncryptionKey key) => Add(key, "a key given in code");

    /// <summary>Adds a key read from a file, so a conflict can name the file.</summary>
    /// <param name="key">The key.</param>
    /// <param name="source">Where the key came from.</param>
    /// <exception cref="KeyException">A different key with the same id is already held.</exception>
    public void Add(EncryptionKey key, string source)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(source);
        if (_keys.TryGetValue(key.Id, out var held))
        {
            if (held.Key.SameAs(key)) return;
            throw new KeyException($"{source} and {held.Source} hold different keys with the same id {key.Id}.");
        }

        _keys.Add(key.Id, (key, source));
    }

    /// <inheritdoc/>
    public EncryptionKey? FindEncryptionKey(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return _keys.TryGetValue(keyId, out var held) ? held.Key : null;
    }
}
