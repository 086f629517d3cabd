using Imprint.Memory;

namespace Imprint.Formats.Internal;

/// <summary>A line-oriented record parser that can be fed a file in pieces.</summary>
internal interface ITextRecordParser
{
    /// <summary>Parses whole lines: <paramref name="text"/> ends just after a line feed, or at the end of the file.</summary>
    void Parse(ReadOnlySpan<byte> text);

    /// <summary>Checks what only the end of the file can tell (a missing end record, an empty file) and returns the image.</summary>
    MemoryImage Complete();
}
