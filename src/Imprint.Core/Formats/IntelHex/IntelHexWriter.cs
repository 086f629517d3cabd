using System.Runtime.CompilerServices;
using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.IntelHex;

/// <summary>
/// Writes Intel HEX laid out as GNU objcopy does: data records of
/// <see cref="FirmwareWriteOptions.BytesPerRecord"/> bytes from each segment's start, split at
/// 64 KiB boundaries, an extended linear address record (type 04) whenever the upper 16 bits
/// change (none while they are 0), the entry point as a type 03 record when it is below 1 MiB
/// and type 05 otherwise, then the end-of-file record.
/// </summary>
public static class IntelHexWriter
{
    private const int MaxRecordLength = 1 + (2 * (5 + FirmwareWriteOptions.MaxIntelHexBytesPerRecord)) + 2;

    /// <summary>Writes <paramref name="image"/> to <paramref name="stream"/>.</summary>
    /// <param name="image">The image to write.</param>
    /// <param name="stream">The destination.</param>
    /// <param name="options">Layout options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ImprintException">The entry point does not fit in 32 bits.</exception>
    public static void Write(MemoryImage image, Stream stream, FirmwareWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(stream);
        options ??= FirmwareWriteOptions.Default;
        options.Validate(FirmwareFormat.IntelHex);
        var output = new RecordOutput(stream);
        var newLine = options.LineEnding == FirmwareLineEnding.CrLf ? "\r\n"u8 : "\n"u8;
        int perRecord = options.BytesPerRecord;
        ulong upper = 0;
        Span<byte> two = stackalloc byte[2];
        foreach (var segment in image.Segments)
        {
            ulong address = segment.Start;
            var data = segment.Data.Span;
            while (!data.IsEmpty)
            {
                if (address >> 16 != upper)
                {
                    upper = address >> 16;
                    two[0] = (byte)(upper >> 8);
                    two[1] = (byte)upper;
                    WriteRecord(output, 0, IntelHexRecordType.ExtendedLinearAddress, two, newLine);
                }

                int n = (int)Math.Min((ulong)Math.Min(perRecord, data.Length), 0x10000 - (address & 0xFFFF));
                WriteRecord(output, (ushort)address, IntelHexRecordType.Data, data[..n], newLine);
                address += (ulong)n;
                data = data[n..];
            }
        }

        if (image.EntryPoint is { } entry)
        {
            if (entry > uint.MaxValue)
            {
                throw new ImprintException($"the entry point 0x{entry:X} does not fit in an Intel HEX start address record (32 bits).");
            }

            Span<byte> four = stackalloc byte[4];
            if (entry <= 0xFFFFF)
            {
                // CS:IP with CS holding only the top four bits, as objcopy writes it.
                uint cs = (uint)(entry & 0xF0000) >> 4, ip = (uint)(entry & 0xFFFF);
                four[0] = (byte)(cs >> 8);
                four[1] = (byte)cs;
                four[2] = (byte)(ip >> 8);
                four[3] = (byte)ip;
                WriteRecord(output, 0, IntelHexRecordType.StartSegmentAddress, four, newLine);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(four, (uint)entry);
                WriteRecord(output, 0, IntelHexRecordType.StartLinearAddress, four, newLine);
            }
        }

        WriteRecord(output, 0, IntelHexRecordType.EndOfFile, [], newLine);
        output.Flush();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRecord(RecordOutput output, ushort offset, byte type, ReadOnlySpan<byte> data, ReadOnlySpan<byte> newLine)
    {
        ref byte o = ref output.GetReference(MaxRecordLength);
        o = (byte)':';
        byte count = (byte)data.Length, high = (byte)(offset >> 8), low = (byte)offset;
        HexDigits.Encode(ref Unsafe.Add(ref o, 1), count);
        HexDigits.Encode(ref Unsafe.Add(ref o, 3), high);
        HexDigits.Encode(ref Unsafe.Add(ref o, 5), low);
        HexDigits.Encode(ref Unsafe.Add(ref o, 7), type);
        int sum = count + high + low + type;
        ref byte d = ref Unsafe.Add(ref o, 9);
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            sum += b;
            HexDigits.Encode(ref Unsafe.Add(ref d, 2 * i), b);
        }

        int at = 9 + (2 * data.Length);
        HexDigits.Encode(ref Unsafe.Add(ref o, at), (byte)-sum);
        at += 2;
        for (int i = 0; i < newLine.Length; i++) Unsafe.Add(ref o, at + i) = newLine[i];
        output.Advance(at + newLine.Length);
    }
}
