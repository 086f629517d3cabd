using Imprint.Images.Internal;
using Imprint.Keys;
using Imprint.Memory;
using Imprint.Projects;

namespace Imprint.Images;

/// <summary>
/// An opened image whose signature and every section hash have been verified (and which has
/// been decrypted when it was encrypted): everything a station needs to program a part.
/// </summary>
/// <remarks>Created only by <see cref="ImageReader"/>; nothing in it is used before it is verified.</remarks>
public sealed class ProgrammingImage
{
    private readonly Lazy<MemoryImage> _firmware;
    private readonly Dictionary<string, ImageSection> _byName;
    private readonly byte[] _sha256;

    internal ProgrammingImage(
        string name,
        ImageHeader header,
        ProgrammingSpec spec,
        BuildInfo build,
        IReadOnlyList<ImageSection> sections,
        ReadOnlyMemory<byte> manifest,
        byte[] sha256,
        uint crc32,
        SigningPublicKey signer,
        bool signerTrusted)
    {
        Name = name;
        Header = header;
        Spec = spec;
        Build = build;
        Sections = sections;
        ManifestBytes = manifest;
        _sha256 = sha256;
        Crc32 = crc32;
        SignerPublicKey = signer;
        IsSignerTrusted = signerTrusted;
        _byName = sections.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _firmware = new Lazy<MemoryImage>(MergeFirmware);
    }

    /// <summary>Gets the name the image was opened under (its path), used in messages.</summary>
    public string Name { get; }

    /// <summary>Gets the public header.</summary>
    public ImageHeader Header { get; }

    /// <summary>Gets the image's unique id.</summary>
    public ImageId Id => Header.Id;

    /// <summary>Gets the image type.</summary>
    public ImageType Type => Header.Type;

    /// <summary>Gets how to program the part.</summary>
    public ProgrammingSpec Spec { get; }

    /// <summary>Gets who built the image, when and with what.</summary>
    public BuildInfo Build { get; }

    /// <summary>Gets the sections in stored order; their data is verified plaintext.</summary>
    public IReadOnlyList<ImageSection> Sections { get; }

    /// <summary>Gets the exact signed manifest bytes (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> ManifestBytes { get; }

    /// <summary>
    /// Gets all firmware sections merged into one memory image (built on first use; the
    /// segments are copies, named after their sections).
    /// </summary>
    public MemoryImage Firmware => _firmware.Value;

    /// <summary>Gets the SHA-256 of the whole file as stored (what the cloud registers and <c>sha256sum</c> prints).</summary>
    /// <value>A fresh 32-byte copy on each call.</value>
    public byte[] Sha256 => (byte[])_sha256.Clone();

    /// <summary>Gets <see cref="Sha256"/> as 64 lower-case hexadecimal digits.</summary>
    public string Sha256Hex => Convert.ToHexStringLower(_sha256);

    /// <summary>Gets the zlib CRC-32 of the whole file as stored.</summary>
    public uint Crc32 { get; }

    /// <summary>Gets the file length in bytes.</summary>
    public long Length => Header.FileLength;

    /// <summary>Gets the public key the signature was verified with.</summary>
    public SigningPublicKey SignerPublicKey { get; }

    /// <summary>
    /// Gets a value indicating whether the signer was checked against trusted keys given to the
    /// reader; <see langword="false"/> means only that the image is intact and self-consistent.
    /// </summary>
    public bool IsSignerTrusted { get; }

    /// <summary>Returns the section named <paramref name="sectionName"/>.</summary>
    /// <param name="sectionName">The section name.</param>
    /// <param name="section">The section, when present.</param>
    /// <returns><see langword="true"/> when the image holds the section.</returns>
    public bool TryGetSection(string sectionName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageSection? section) =>
        _byName.TryGetValue(sectionName, out section);

    /// <summary>Returns the section named <paramref name="sectionName"/>.</summary>
    /// <param name="sectionName">The section name.</param>
    /// <returns>The section.</returns>
    /// <exception cref="ImageException">The image holds no such section.</exception>
    public ImageSection GetSection(string sectionName) =>
        TryGetSection(sectionName, out var section)
            ? section
            : throw new ImageException($"{Name} holds no section named '{sectionName}'.");

    private MemoryImage MergeFirmware()
    {
        var image = new MemoryImage();
        foreach (var s in Sections)
        {
            if (s.Kind == SectionKind.Firmware) image.Add(s.Address!.Value, s.Data.Span, s.Name);
        }

        return image;
    }
}
