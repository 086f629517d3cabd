namespace Imprint.Formats.Binary;

/// <summary>
/// The fallback: any content is a raw binary. Ask it last, after the detectors of the formats
/// that have a signature.
/// </summary>
public sealed class RawBinaryDetector : IFirmwareFormatDetector
{
    /// <summary>Gets the shared instance.</summary>
    public static RawBinaryDetector Instance { get; } = new();

    /// <inheritdoc/>
    public int HeaderSize => 0;

    /// <inheritdoc/>
    public bool TryDetect(ReadOnlySpan<byte> header, out FirmwareFormat format)
    {
        format = FirmwareFormat.Binary;
        return true;
    }
}
