namespace Imprint.Formats.Elf;

/// <summary>Recognizes ELF by its magic bytes (0x7F 'E' 'L' 'F').</summary>
public sealed class ElfDetector : IFirmwareFormatDetector
{
    /// <summary>Gets the shared instance.</summary>
    public static ElfDetector Instance { get; } = new();

    /// <inheritdoc/>
    public int HeaderSize => 4;

    /// <inheritdoc/>
    public bool TryDetect(ReadOnlySpan<byte> header, out FirmwareFormat format)
    {
        format = FirmwareFormat.Elf;
        return header.StartsWith(ElfConstants.Magic);
    }
}
