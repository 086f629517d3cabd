namespace Imprint.Formats.Internal;

/// <summary>What the text-format detectors share: skipping a UTF-8 byte order mark and blank space.</summary>
internal static class TextHeader
{
    public static ReadOnlySpan<byte> SkipBlank(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith("\uFEFF"u8)) header = header[3..];
        int i = 0;
        while (i < header.Length && header[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return header[i..];
    }

    /// <summary>Describes a byte for an error message: the character in quotes when printable, else its hex value.</summary>
    public static string Describe(byte c) => c is >= 0x21 and < 0x7F ? $"'{(char)c}'" : c == (byte)' ' ? "a space" : $"byte 0x{c:X2}";
}
