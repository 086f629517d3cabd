using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.IntelHex;

/// <summary>
/// Reads Intel HEX (record types 00 to 05, either case, CRLF or LF line ends) into a
/// <see cref="MemoryImage"/>; see docs/firmware-formats.md for what is accepted and refused.
/// </summary>
public static class IntelHexReader
{
    /// <summary>Reads a whole Intel HEX file held in memory.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <returns>The image, with the entry point of a type 03 or 05 record when present.</returns>
    /// <exception cref="FirmwareFormatException">The content is not valid Intel HEX.</exception>
    public static MemoryImage Read(ReadOnlySpan<byte> content, string sourceName)
    {
        var parser = new IntelHexParser(sourceName);
        parser.Parse(content);
        return parser.Complete();
    }

    /// <summary>Reads an Intel HEX file from a stream, in large pieces.</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <returns>The image, with the entry point of a type 03 or 05 record when present.</returns>
    /// <exception cref="FirmwareFormatException">The content is not valid Intel HEX.</exception>
    public static MemoryImage Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return TextRecordPump.Run(stream, new IntelHexParser(sourceName));
    }
}
