using System.Runtime.CompilerServices;
using System.Text;
using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.SRecord;

/// <summary>
/// Writes Motorola S-records: an S0 header, data records of
/// <see cref="FirmwareWriteOptions.BytesPerRecord"/> bytes from each segment's start, an S5 or
/// S6 count record, and the termination record carrying the entry point (0 when there is none).
/// The record width is the narrowest that holds the highest address and the entry point:
/// S1/S9 up to 0xFFFF, S2/S8 up to 0xFFFFFF, S3/S7 beyond.
/// </summary>
public static class SRecordWriter
{
    private const int MaxHeaderBytes = 252;
    private const int MaxRecordLength = 4 + (2 * 255) + 2;

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
        options.Validate(FirmwareFormat.SRecord);
        ulong entry = image.EntryPoint ?? 0;
        if (entry > uint.MaxValue)
        {
            throw new ImprintException($"the entry point 0x{entry:X} does not fit in an S-record termination record (32 bits).");
        }

        ulong highest = Math.Max(image.IsEmpty ? 0 : image.EndAddress - 1, entry);
        int addressLength = highest <= 0xFFFF ? 2 : highest <= 0xFFFFFF ? 3 : 4;
        int dataType = addressLength - 1;
        var output = new RecordOutput(stream);
        var newLine = options.LineEnding == FirmwareLineEnding.CrLf ? "\r\n"u8 : "\n"u8;

        var header = Encoding.UTF8.GetBytes(options.SRecordHeader ?? "");
        WriteRecord(output, SRecordType.Header, 2, 0, header.AsSpan(0, Math.Min(header.Length, MaxHeaderBytes)), newLine);

        long records = 0;
        int perRecord = options.BytesPerRecord;
        foreach (var segment in image.Segments)
        {
            ulong address = segment.Start;
            var data = segment.Data.Span;
            while (!data.IsEmpty)
            {
                int n = Math.Min(perRecord, data.Length);
                WriteRecord(output, dataType, addressLength, (uint)address, data[..n], newLine);
                address += (ulong)n;
                data = data[n..];
                records++;
            }
        }

        // The count record is optional; past 24 bits there is no record wide enough, so it is left out.
        if (records <= 0xFFFF) WriteRecord(output, SRecordType.Count16, 2, (uint)records, [], newLine);
        else if (records <= 0xFFFFFF) WriteRecord(output, SRecordType.Count24, 3, (uint)records, [], newLine);

        // S9 ends S1 files (2 address bytes), S8 ends S2 files (3), S7 ends S3 files (4).
        int terminationType = SRecordType.Start16 + 2 - addressLength;
        WriteRecord(output, terminationType, addressLength, (uint)entry, [], newLine);
        output.Flush();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRecord(RecordOutput output, int type, int addressLength, uint address, ReadOnlySpan<byte> data, ReadOnlySpan<byte> newLine)
    {
        ref byte o = ref output.GetReference(MaxRecordLength);
        o = (byte)'S';
        Unsafe.Add(ref o, 1) = (byte)('0' + type);
        byte count = (byte)(addressLength + data.Length + 1);
        HexDigits.Encode(ref Unsafe.Add(ref o, 2), count);
        int sum = count;
        int at = 4;
        for (int shift = 8 * (addressLength - 1); shift >= 0; shift -= 8)
        {
            byte b = (byte)(address >> shift);
            sum += b;
            HexDigits.Encode(ref Unsafe.Add(ref o, at), b);
            at += 2;
        }

        ref byte d = ref Unsafe.Add(ref o, at);
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            sum += b;
            HexDigits.Encode(ref Unsafe.Add(ref d, 2 * i), b);
        }

        at += 2 * data.Length;
        HexDigits.Encode(ref Unsafe.Add(ref o, at), (byte)~sum);
        at += 2;
        for (int i = 0; i < newLine.Length; i++) Unsafe.Add(ref o, at + i) = newLine[i];
        output.Advance(at + newLine.Length);
    }
}
