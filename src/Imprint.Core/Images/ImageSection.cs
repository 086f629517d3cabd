using Imprint.Memory;

namespace Imprint.Images;

/// <summary>
/// One named block of bulk data in an image: a firmware segment, a flash algorithm, test code
/// or another blob. The manifest records its name, kind, address, length and SHA-256.
/// </summary>
/// <param name="Name">
/// The name, unique in the image (1 to 128 printable characters). Firmware segments are
/// conventionally named <c>firmware@0x08000000</c> (see <see cref="FromFirmware"/>).
/// </param>
/// <param name="Kind">What the section holds.</param>
/// <param name="Address">Where the data goes in the part: required for firmware, optional otherwise.</param>
/// <param name="Data">The bytes.</param>
public sealed record ImageSection(string Name, SectionKind Kind, ulong? Address, ReadOnlyMemory<byte> Data)
{
    /// <summary>The longest section name, in characters.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Gets the number of bytes.</summary>
    public int Length => Data.Length;

    /// <summary>Returns the conventional name of the firmware section starting at <paramref name="address"/>.</summary>
    /// <param name="address">The segment's first address.</param>
    /// <returns>For example <c>firmware@0x08000000</c>.</returns>
    public static string FirmwareName(ulong address) => $"firmware@0x{address:X8}";

    /// <summary>Returns one firmware section per segment of <paramref name="firmware"/>, in address order.</summary>
    /// <param name="firmware">The merged firmware.</param>
    /// <returns>The sections; they share the image's memory, nothing is copied.</returns>
    public static IReadOnlyList<ImageSection> FromFirmware(MemoryImage firmware)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        return [.. firmware.Segments.Select(s => new ImageSection(FirmwareName(s.Start), SectionKind.Firmware, s.Start, s.Data))];
    }
}
