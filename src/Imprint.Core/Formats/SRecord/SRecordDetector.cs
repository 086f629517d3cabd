using Imprint.Formats.Internal;

namespace Imprint.Formats.SRecord;

/// <summary>Recognizes Motorola S-records: the first non-blank characters are 'S', a digit and hex digits.</summary>
public sealed class SRecordDetector : IFirmwareFormatDetector
{
    /// <summary>Gets the shared instance.</summary>
    public static SRecordDetector Instance { get; } = new();

    /// <inheritdoc/>
    public int HeaderSize => 64;

    /// <inheritdoc/>
    public bool TryDetect(ReadOnlySpan<byte> header, out FirmwareFormat format)
    {
        format = FirmwareFormat.SRecord;
        var text = TextHeader.SkipBlank(header);
        return text.Length >= 4 && text[0] == (byte)'S' && text[1] is >= (byte)'0' and <= (byte)'9'
            && HexDigits.Digit(text[2]) >= 0 && HexDigits.Digit(text[3]) >= 0;
    }
}
