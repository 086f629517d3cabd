using Imprint.Formats.Binary;
using Imprint.Formats.Elf;
using Imprint.Formats.IntelHex;
using Imprint.Formats.Internal;
using Imprint.Formats.SRecord;
using Imprint.Memory;
using Imprint.IO;

namespace Imprint.Formats;

/// <summary>
/// The front door to the firmware formats: detects a file's format, reads any of them into a
/// <see cref="MemoryImage"/> and writes an image in any writable format.
/// </summary>
public static class FirmwareFile
{
    private const int HeaderSize = 64;

    /// <summary>Gets the content detectors, in the order they are asked; raw binary is the fallback after them.</summary>
    public static IReadOnlyList<IFirmwareFormatDetector> Detectors { get; } =
        [ElfDetector.Instance, IntelHexDetector.Instance, SRecordDetector.Instance];

    /// <summary>
    /// Detects the format of a file: by content first (ELF magic, a ':' record, an 'S' record),
    /// then by the file name's extension, and raw binary when neither says.
    /// </summary>
    /// <param name="content">The file's first bytes (64 are enough) or all of it.</param>
    /// <param name="fileName">The file's name, for its extension.</param>
    /// <returns>The format.</returns>
    public static FirmwareFormat Detect(ReadOnlySpan<byte> content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        foreach (var detector in Detectors)
        {
            if (detector.TryDetect(content, out var format)) return format;
        }

        // Content that matches nothing but is named like a text format is read as that format,
        // so the user learns what is wrong with it instead of getting it loaded as raw bytes.
        return FormatFromExtension(fileName) ?? FirmwareFormat.Binary;
    }

    /// <summary>Returns the format a file name's extension conventionally means, if any.</summary>
    /// <param name="fileName">A file name or path.</param>
    /// <returns>The format, or <see langword="null"/> for an unknown extension.</returns>
    public static FirmwareFormat? FormatFromExtension(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".hex" or ".ihex" or ".ihx" or ".h86" => FirmwareFormat.IntelHex,
            ".srec" or ".s19" or ".s28" or ".s37" or ".mot" or ".mhx" or ".sx" or ".s" => FirmwareFormat.SRecord,
            ".elf" or ".axf" or ".out" => FirmwareFormat.Elf,
            ".bin" or ".raw" or ".img" => FirmwareFormat.Binary,
            _ => null,
        };
    }

    /// <summary>Reads a firmware file into a memory image.</summary>
    /// <param name="path">The file; error messages name it as given.</param>
    /// <param name="format">The format, or <see langword="null"/> to detect it.</param>
    /// <param name="binaryBaseAddress">Where a raw binary's first byte goes.</param>
    /// <returns>The image.</returns>
    /// <exception cref="FirmwareFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static MemoryImage Read(string path, FirmwareFormat? format = null, ulong binaryBaseAddress = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        if (format is null)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            int n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            format = Detect(header[..n], path);
        }

        switch (format.Value)
        {
            case FirmwareFormat.IntelHex:
                return IntelHexReader.Read(stream, path);
            case FirmwareFormat.SRecord:
                return SRecordReader.Read(stream, path);
            case FirmwareFormat.Binary:
                return RawBinaryReader.Read(stream, path, binaryBaseAddress);
            case FirmwareFormat.Elf:
                if (stream.Length > Array.MaxLength)
                {
                    throw new FirmwareFormatException(path, null, null, $"the ELF file is {stream.Length} bytes, larger than supported (2 GiB).");
                }

                var content = GC.AllocateUninitializedArray<byte>((int)stream.Length);
                stream.ReadExactly(content);
                return ElfReader.Read(content, path);
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown firmware format.");
        }
    }

    /// <summary>Reads firmware held in memory into a memory image.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="sourceName">The name error messages and the image's source tags use.</param>
    /// <param name="format">The format, or <see langword="null"/> to detect it.</param>
    /// <param name="binaryBaseAddress">Where a raw binary's first byte goes.</param>
    /// <returns>The image.</returns>
    /// <exception cref="FirmwareFormatException">The content is malformed.</exception>
    public static MemoryImage Read(ReadOnlySpan<byte> content, string sourceName, FirmwareFormat? format = null, ulong binaryBaseAddress = 0)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        return (format ?? Detect(content, sourceName)) switch
        {
            FirmwareFormat.IntelHex => IntelHexReader.Read(content, sourceName),
            FirmwareFormat.SRecord => SRecordReader.Read(content, sourceName),
            FirmwareFormat.Elf => ElfReader.Read(content, sourceName),
            FirmwareFormat.Binary => RawBinaryReader.Read(content, sourceName, binaryBaseAddress),
            var other => throw new ArgumentOutOfRangeException(nameof(format), other, "Unknown firmware format."),
        };
    }

    /// <summary>
    /// Writes <paramref name="image"/> to a file atomically: into a temp file next to it, renamed
    /// over <paramref name="path"/> only when complete, so a failure leaves no half-written file.
    /// </summary>
    /// <param name="image">The image to write.</param>
    /// <param name="path">The output file.</param>
    /// <param name="format">Intel HEX, S-record or binary.</param>
    /// <param name="options">Layout options, or <see langword="null"/> for the defaults; the S-record header defaults to the file's name.</param>
    /// <exception cref="ImprintException">The image cannot be represented in <paramref name="format"/>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(MemoryImage image, string path, FirmwareFormat format, FirmwareWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(path);
        options ??= FirmwareWriteOptions.Default;
        if (format == FirmwareFormat.SRecord && options.SRecordHeader is null)
        {
            options = options with { SRecordHeader = Path.GetFileName(path) };
        }

        AtomicFile.Write(path, null, stream => Write(image, stream, format, options), flushToDisk: false);
    }

    /// <summary>Writes <paramref name="image"/> to a stream.</summary>
    /// <param name="image">The image to write.</param>
    /// <param name="stream">The destination.</param>
    /// <param name="format">Intel HEX, S-record or binary.</param>
    /// <param name="options">Layout options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ImprintException">The image cannot be represented in <paramref name="format"/>.</exception>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is <see cref="FirmwareFormat.Elf"/>, which Imprint only reads.</exception>
    public static void Write(MemoryImage image, Stream stream, FirmwareFormat format, FirmwareWriteOptions? options = null)
    {
        switch (format)
        {
            case FirmwareFormat.IntelHex:
                IntelHexWriter.Write(image, stream, options);
                break;
            case FirmwareFormat.SRecord:
                SRecordWriter.Write(image, stream, options);
                break;
            case FirmwareFormat.Binary:
                RawBinaryWriter.Write(image, stream, options);
                break;
            case FirmwareFormat.Elf:
                throw new NotSupportedException("Imprint reads ELF files but does not write them.");
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown firmware format.");
        }
    }

    /// <summary>Returns <paramref name="image"/> written in <paramref name="format"/>.</summary>
    /// <param name="image">The image to write.</param>
    /// <param name="format">Intel HEX, S-record or binary.</param>
    /// <param name="options">Layout options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] ToBytes(MemoryImage image, FirmwareFormat format, FirmwareWriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        Write(image, stream, format, options);
        return stream.ToArray();
    }
}
