using Imprint.Memory;

namespace Imprint.Formats.Binary;

/// <summary>
/// Writes a raw binary as <c>objcopy -O binary</c> does: from the image's lowest address to its
/// highest, gaps filled with <see cref="FirmwareWriteOptions.Fill"/>. The base address is not
/// recorded: readers must be told it again.
/// </summary>
public static class RawBinaryWriter
{
    private const int FillBlock = 64 * 1024;

    /// <summary>Writes <paramref name="image"/> to <paramref name="stream"/>.</summary>
    /// <param name="image">The image to write; an empty image writes nothing.</param>
    /// <param name="stream">The destination.</param>
    /// <param name="options">The gap fill, or <see langword="null"/> for the defaults.</param>
    public static void Write(MemoryImage image, Stream stream, FirmwareWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(stream);
        options ??= FirmwareWriteOptions.Default;
        byte[]? fill = null;
        ulong cursor = image.IsEmpty ? 0 : image.LowestAddress;
        foreach (var segment in image.Segments)
        {
            ulong gap = segment.Start - cursor;
            if (gap > 0)
            {
                if (fill is null)
                {
                    fill = new byte[FillBlock];
                    fill.AsSpan().Fill(options.Fill);
                }

                for (; gap > 0; gap -= Math.Min(gap, FillBlock))
                {
                    stream.Write(fill, 0, (int)Math.Min(gap, FillBlock));
                }
            }

            stream.Write(segment.Data.Span);
            cursor = segment.End;
        }
    }
}
