using Imprint.Projects;

namespace Imprint.Images;

/// <summary>
/// The public, never-encrypted fields at the start of an image file: what anyone can learn
/// about an image without its encryption key. See docs/image-format.md for the byte layout.
/// </summary>
public sealed record ImageHeader
{
    /// <summary>Gets the container format version.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Gets the image type.</summary>
    public required ImageType Type { get; init; }

    /// <summary>Gets the image's unique id.</summary>
    public required ImageId Id { get; init; }

    /// <summary>Gets a value indicating whether everything after the header is encrypted.</summary>
    public bool IsEncrypted => KeyId is not null;

    /// <summary>Gets the id of the customer key the image is encrypted with, or <see langword="null"/> when it is not encrypted.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the fingerprint of the key that signed the image (32 hexadecimal digits).</summary>
    public required string SignerFingerprint { get; init; }

    /// <summary>Gets the number of sections.</summary>
    public required int SectionCount { get; init; }

    /// <summary>Gets the total length of the section data in bytes (before encryption).</summary>
    public required long SectionsLength { get; init; }

    /// <summary>Gets the length of the manifest in bytes.</summary>
    public required int ManifestLength { get; init; }

    /// <summary>Gets the encryption chunk size in bytes; 0 when the image is not encrypted.</summary>
    public required int ChunkSize { get; init; }

    /// <summary>Gets the length of the whole file the header describes.</summary>
    public required long FileLength { get; init; }
}
