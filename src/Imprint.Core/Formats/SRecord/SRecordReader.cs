using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.SRecord;

/// <summary>
/// Reads Motorola S-records (S0 to S9; S5/S6 counts checked; S7/S8/S9 entry point) into a
/// <see cref="MemoryImage"/>; see docs/firmware-formats.md for what is accepted and refused.
/// </summary>
public static class SRecordReader
{
    /// <summary>Reads a whole S-record file held in memory.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <returns>The image, with the termination record's address as its entry point.</returns>
    /// <exception cref="FirmwareFormatException">The content is not valid S-record text.</exception>
    public static MemoryImage Read(ReadOnlySpan<byte> content, string sourceName)
    {
        var parser = new SRecordParser(sourceName);
        parser.Parse(content);
        return parser.Complete();
    }

    /// <summary>Reads an S-record file from a stream, in large pieces.</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <returns>The image, with the termination record's address as its entry point.</returns>
    /// <exception cref="FirmwareFormatException">The content is not valid S-record text.</exception>
    public static MemoryImage Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return TextRecordPump.Run(stream, new SRecordParser(sourceName));
    }
}
