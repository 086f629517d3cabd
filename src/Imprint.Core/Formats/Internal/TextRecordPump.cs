using Imprint.Memory;

namespace Imprint.Formats.Internal;

/// <summary>
/// Feeds a text firmware file to its parser in large pieces that end on a line feed, so a file
/// of any size is parsed from one cache-friendly buffer without a string per line.
/// </summary>
internal static class TextRecordPump
{
    private const int BufferSize = 1024 * 1024;

    public static MemoryImage Run(Stream stream, TextRecordParser parser)
    {
        var buffer = new byte[BufferSize];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // A single line longer than the buffer: no valid record is, but let the parser say what is wrong.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
            int lastLineFeed = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (lastLineFeed < 0) continue;
            int complete = lastLineFeed + 1;
            parser.Parse(buffer.AsSpan(0, complete));
            buffer.AsSpan(complete, filled - complete).CopyTo(buffer);
            filled -= complete;
        }

        if (filled > 0) parser.Parse(buffer.AsSpan(0, filled));
        return parser.Complete();
    }
}
