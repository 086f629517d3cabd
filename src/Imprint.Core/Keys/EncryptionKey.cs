using System.Security.Cryptography;
using System.Text.Json;
using Imprint.Keys.Internal;

namespace Imprint.Keys;

/// <summary>
/// A customer's 256-bit AES key that encrypts images. An image names the key by its
/// <see cref="Id"/> in its public header; stations hold the matching key beforehand.
/// </summary>
/// <remarks>
/// Stored as a small JSON file with file mode 0600:
/// <c>{"kind":"imprint-encryption-key","version":1,"id":"k-1a2b3c4d","key":"BASE64"}</c>.
/// </remarks>
public sealed class EncryptionKey
{
    /// <summary>The key length in bytes.</summary>
    public const int KeyLength = 32;

    /// <summary>The longest key id, in characters (an image header holds 32 bytes).</summary>
    public const int MaxIdLength = 32;

    private const string FileKind = "imprint-encryption-key";

    private readonly byte[] _key;

    private EncryptionKey(string id, byte[] key)
    {
        Id = id;
        _key = key;
    }

    /// <summary>Gets the key id, for example <c>k-1a2b3c4d</c>.</summary>
    public string Id { get; }

    /// <summary>Gets the raw key bytes.</summary>
    internal ReadOnlySpan<byte> Material => _key;

    /// <summary>Creates a new random key.</summary>
    /// <param name="id">The key id, or <see langword="null"/> for a random <c>k-</c> followed by 8 hexadecimal digits.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The id is not valid (see <see cref="IsValidId"/>).</exception>
    public static EncryptionKey Create(string? id = null)
    {
        id ??= "k-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        CheckId(id, "--id");
        return new EncryptionKey(id, RandomNumberGenerator.GetBytes(KeyLength));
    }

    /// <summary>Creates a key from its id and bytes (for example from a station's key store).</summary>
    /// <param name="id">The key id.</param>
    /// <param name="key">The 32 key bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The id is not valid or the key is not 32 bytes.</exception>
    public static EncryptionKey FromBytes(string id, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(id);
        CheckId(id, "key id");
        if (key.Length != KeyLength)
        {
            throw new KeyException($"encryption key {id} is {key.Length} bytes; AES-256 keys are {KeyLength} bytes.");
        }

        return new EncryptionKey(id, key.ToArray());
    }

    /// <summary>Returns whether <paramref name="id"/> can name a key: 1 to 32 characters from <c>A-Z a-z 0-9 . _ -</c>.</summary>
    /// <param name="id">The candidate id.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Reads a key file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The file is missing, unreadable or not an encryption key file.</exception>
    public static EncryptionKey Load(string path) => Parse(KeyFile.ReadText(path), path);

    /// <summary>Parses the JSON text of a key file.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">The name used in error messages (usually the file name).</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyException">The text is not an encryption key file.</exception>
    public static EncryptionKey Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        if (json.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            throw new KeyException($"{source} is a PEM file (a signing key?); an encryption key file is JSON made by 'imprint keys new-encryption'.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException ex)
        {
            throw new KeyException($"{source} is not an encryption key file: it is not valid JSON (line {ex.LineNumber + 1}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new KeyException($"{source} is not an encryption key file: it is not a JSON object.");
            }

            string? kind = null, id = null, key = null;
            int? version = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "kind": kind = StringOf(property, source); break;
                    case "id": id = StringOf(property, source); break;
                    case "key": key = StringOf(property, source); break;
                    case "version":
                        version = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out int v)
                            ? v
                            : throw new KeyException($"{source}: 'version' must be a number.");
                        break;
                    default:
                        throw new KeyException($"{source}: unknown field '{property.Name}' in an encryption key file.");
                }
            }

            if (kind != FileKind)
            {
                throw new KeyException($"{source} is not an encryption key file: 'kind' must be '{FileKind}'.");
            }

            if (version != 1)
            {
                throw new KeyException($"{source}: encryption key file version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)"} is not supported; this Imprint reads version 1.");
            }

            if (id is null) throw new KeyException($"{source}: the 'id' field is missing.");
            CheckId(id, $"{source}: 'id'");
            if (key is null) throw new KeyException($"{source}: the 'key' field is missing.");

            var bytes = new byte[KeyLength + 3];
            if (!Convert.TryFromBase64String(key, bytes, out int written) || written != KeyLength)
            {
                throw new KeyException($"{source}: 'key' must be {KeyLength} bytes in base64.");
            }

            return new EncryptionKey(id, bytes[..KeyLength]);
        }
    }

    /// <summary>Writes the key file with file mode 0600, atomically.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    public void Save(string path) => KeyFile.WriteSecret(path, Export());

    /// <summary>Returns the key file's JSON text.</summary>
    /// <returns>The text, ending with a newline.</returns>
    public string Export() =>
        $"{{\n  \"kind\": \"{FileKind}\",\n  \"version\": 1,\n  \"id\": \"{Id}\",\n  \"key\": \"{Convert.ToBase64String(_key)}\"\n}}\n";

    /// <summary>Returns whether both keys have the same id and the same bytes.</summary>
    /// <param name="other">The other key.</param>
    /// <returns><see langword="true"/> when they are the same key.</returns>
    public bool SameAs(EncryptionKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && CryptographicOperations.FixedTimeEquals(_key, other._key);
    }

    /// <summary>Returns the id only: key bytes never appear in text.</summary>
    /// <returns>A description naming the key id.</returns>
    public override string ToString() => "encryption key " + Id;

    private static string StringOf(JsonProperty property, string source) =>
        property.Value.ValueKind == JsonValueKind.String
            ? property.Value.GetString()!
            : throw new KeyException($"{source}: '{property.Name}' must be a string.");

    private static void CheckId(string id, string what)
    {
        if (!IsValidId(id))
        {
            throw new KeyException($"{what}: key id '{id}' is not valid; use 1 to {MaxIdLength} characters from A-Z a-z 0-9 . _ -.");
        }
    }
}
