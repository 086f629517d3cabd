using System.Security.Cryptography;

namespace Imprint.Images.Internal;

/// <summary>
/// What an image signature covers: SHA-256 of the header followed by the manifest, exactly as
/// stored (in plaintext). The manifest lists every section's SHA-256, so the signature covers
/// the header, the manifest and the section hashes.
/// </summary>
internal static class SignedMessage
{
    public static byte[] Digest(ReadOnlySpan<byte> header, ReadOnlySpan<byte> manifest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(manifest);
        return hash.GetHashAndReset();
    }
}
