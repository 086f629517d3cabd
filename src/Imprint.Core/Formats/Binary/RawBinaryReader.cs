using Imprint.Memory;

namespace Imprint.Formats.Binary;

/// <summary>Reads a raw binary: every byte of the file, in order, from a base address.</summary>
public static class RawBinaryReader
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>Reads a raw binary held in memory.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <param name="baseAddress">The address of the first byte.</param>
    /// <returns>A one-segment image without an entry point.</returns>
    /// <exception cref="FirmwareFormatException">The file is empty or does not fit below 4 GiB at the base address.</exception>
    public static MemoryImage Read(ReadOnlySpan<byte> content, string sourceName, ulong baseAddress = 0)
    {
        Check(content.Length, sourceName, baseAddress);
        var image = new MemoryImage();
        image.Add(baseAddress, content, sourceName);
        return image;
    }

    /// <summary>Reads a raw binary from a stream.</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="sourceName">The file's name for error messages and the image's source tags.</param>
    /// <param name="baseAddress">The address of the first byte.</param>
    /// <returns>A one-segment image without an entry point.</returns>
    /// <exception cref="FirmwareFormatException">The file is empty or does not fit below 4 GiB at the base address.</exception>
    public static MemoryImage Read(Stream stream, string sourceName, ulong baseAddress = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek) Check(stream.Length - stream.Position, sourceName, baseAddress);
        var image = new MemoryImage();
        var buffer = new byte[ChunkSize];
        ulong address = baseAddress;
        int read;
        while ((read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            Check((long)(address - baseAddress) + read, sourceName, baseAddress);
            image.Add(address, buffer.AsSpan(0, read), sourceName);
            address += (ulong)read;
        }

        Check((long)(address - baseAddress), sourceName, baseAddress);
        return image;
    }

    private static void Check(long length, string sourceName, ulong baseAddress)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        if (length == 0) throw new FirmwareFormatException(sourceName, null, null, "the file is empty.");
        if (baseAddress >= MemoryImage.AddressSpaceEnd || (ulong)length > MemoryImage.AddressSpaceEnd - baseAddress)
        {
            throw new FirmwareFormatException(sourceName, null, null,
                $"{length} bytes at base address 0x{baseAddress:X8} extend past the 4 GiB address space.");
        }
    }
}
