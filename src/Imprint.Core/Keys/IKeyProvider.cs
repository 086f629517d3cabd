namespace Imprint.Keys;

/// <summary>
/// Finds the customer encryption keys this machine holds, by id. The image reader asks for the
/// key named in an encrypted image's header.
/// </summary>
public interface IKeyProvider
{
    /// <summary>Returns the encryption key with the given id, or <see langword="null"/> when it is not held.</summary>
    /// <param name="keyId">The key id from an image header (for example <c>k-1a2b3c4d</c>).</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    EncryptionKey? FindEncryptionKey(string keyId);
}
