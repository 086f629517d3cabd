using System.Runtime.CompilerServices;
using Imprint.Memory;

namespace Imprint.Formats.Internal;

/// <summary>
/// A line-oriented record parser that can be fed a file in pieces: the part Intel HEX and
/// S-records share (byte-order mark, CR/LF line ends, line counting, a record start character,
/// nothing after the end record). Each format parses its records.
/// </summary>
internal abstract class TextRecordParser(string source)
{
    private bool _started;

    /// <summary>Gets the file name used in error messages.</summary>
    protected string Source { get; } = source;

    /// <summary>Gets the 1-based line being parsed.</summary>
    protected int Line { get; private set; } = 1;

    /// <summary>Gets whether any record was seen.</summary>
    protected bool SawRecord { get; private set; }

    /// <summary>Gets the character every record starts with.</summary>
    protected abstract byte StartCharacter { get; }

    /// <summary>Gets the format's name for its end record, for errors ("end-of-file record").</summary>
    protected abstract string EndRecordName { get; }

    /// <summary>Gets the line of the end record, or 0 while none was seen.</summary>
    protected abstract int EndRecordLine { get; }

    /// <summary>Parses whole lines: <paramref name="text"/> ends just after a line feed, or at the end of the file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Parse(ReadOnlySpan<byte> text)
    {
        if (!_started)
        {
            _started = true;
            if (text.StartsWith("\uFEFF"u8)) text = text[3..];
        }

        var start = StartCharacter;
        int pos = 0;
        while (pos < text.Length)
        {
            byte c = text[pos];
            if (c == start)
            {
                if (EndRecordLine != 0)
                {
                    throw Error($"a record follows the {EndRecordName} of line {EndRecordLine}.");
                }

                SawRecord = true;
                pos = ParseRecord(text, pos);
            }
            else if (c == (byte)'\n')
            {
                Line++;
                pos++;
            }
            else if (c == (byte)'\r')
            {
                pos++;
            }
            else
            {
                throw Error($"expected '{(char)start}' at the start of a record but found {TextHeader.Describe(c)}.");
            }
        }
    }

    /// <summary>Checks what only the end of the file can tell (a missing end record, an empty file) and returns the image.</summary>
    public abstract MemoryImage Complete();

    /// <summary>Parses the record starting at <paramref name="pos"/> and returns the position after it.</summary>
    protected abstract int ParseRecord(ReadOnlySpan<byte> text, int pos);

    /// <summary>An error at the current line.</summary>
    protected FirmwareFormatException Error(string problem) => new(Source, Line, null, problem);
}
