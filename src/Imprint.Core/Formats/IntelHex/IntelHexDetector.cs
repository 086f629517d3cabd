namespace Imprint.Formats.IntelHex;

/// <summary>Recognizes Intel HEX: the first non-blank character is ':' followed by hex digits.</summary>
public sealed class IntelHexDetector : IFirmwareFormatDetector
{
    /// <summary>Gets the shared instance.</summary>
    public static IntelHexDetector Instance { get; } = new();

    /// <inheritdoc/>
    public int HeaderSize => 64;

    /// <inheritdoc/>
    public bool TryDetect(ReadOnlySpan<byte> header, out FirmwareFormat format)
    {
        format = FirmwareFormat.IntelHex;
        var text = Internal.TextHeader.SkipBlank(header);
        if (text.Length < 3 || text[0] != (byte)':') return false;
        return Internal.HexDigits.Digit(text[1]) >= 0 && Internal.HexDigits.Digit(text[2]) >= 0;
    }
}
