using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.IntelHex;

/// <summary>
/// Parses Intel HEX text fed in whole lines. Data records in the common shape take a fast
/// path (table decode straight into the image's run buffer); every other record, and every
/// record the fast path doubts, is parsed carefully, which is also where errors are worded.
/// </summary>
internal sealed class IntelHexParser(string source) : TextRecordParser(source)
{
    private const int MinRecordDigits = 10; // count, address (2), type, checksum
    private const int MaxRecordBytes = 5 + 255;

    private readonly SegmentCollector _collector = new(source);
    private int _endOfFileLine;
    private ulong _base;
    private bool _segmented;
    private ulong? _entryPoint;

    protected override byte StartCharacter => (byte)':';

    protected override string EndRecordName => "end-of-file record";

    protected override int EndRecordLine => _endOfFileLine;

    public override MemoryImage Complete()
    {
        if (!SawRecord) throw new FirmwareFormatException(Source, null, null, "the file is empty (no Intel HEX records).");
        if (_endOfFileLine == 0)
        {
            throw new FirmwareFormatException(Source, null, null, $"the file ends without an end-of-file record ({IntelHexRecordType.EndOfFileRecord}).");
        }

        return _collector.ToImage(_entryPoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override int ParseRecord(ReadOnlySpan<byte> text, int pos)
    {
        if (pos + 1 + MinRecordDigits <= text.Length)
        {
            ref ushort table = ref HexDigits.PairTable;
            ref byte r = ref Unsafe.Add(ref MemoryMarshal.GetReference(text), pos + 1);
            int count = HexDigits.Pair(ref table, ref r);
            int addressHigh = HexDigits.Pair(ref table, ref Unsafe.Add(ref r, 2));
            int addressLow = HexDigits.Pair(ref table, ref Unsafe.Add(ref r, 4));
            int type = HexDigits.Pair(ref table, ref Unsafe.Add(ref r, 6));
            int end = pos + 1 + MinRecordDigits + (2 * count);
            uint offset = (uint)((addressHigh << 8) | addressLow);
            if (((count | addressHigh | addressLow | type) & HexDigits.Invalid) == 0
                && type == IntelHexRecordType.Data
                && count != 0
                && end <= text.Length
                && (end == text.Length || text[end] is (byte)'\n' or (byte)'\r')
                && (!_segmented || offset + (uint)count <= 0x10000)
                && _base + offset + (uint)count <= MemoryImage.AddressSpaceEnd)
            {
                var destination = _collector.Reserve(_base + offset, count);
                ref byte d = ref MemoryMarshal.GetReference(destination);
                ref byte p = ref Unsafe.Add(ref r, 8);
                int sum = count + addressHigh + addressLow;
                bool valid = HexDigits.TryDecode(ref p, ref d, count, ref sum);
                int checksum = HexDigits.Pair(ref table, ref Unsafe.Add(ref p, 2 * count));
                if (valid && (checksum & HexDigits.Invalid) == 0 && ((sum + checksum) & 0xFF) == 0)
                {
                    _collector.Commit(count);
                    return end;
                }
            }
        }

        return ParseRecordCarefully(text, pos);
    }

    private int ParseRecordCarefully(ReadOnlySpan<byte> text, int pos)
    {
        int lineEnd = text[pos..].IndexOfAny((byte)'\r', (byte)'\n');
        lineEnd = lineEnd < 0 ? text.Length : pos + lineEnd;
        var digits = text[(pos + 1)..lineEnd];

        int bad = digits.IndexOfAnyExcept(HexDigits.Digits);
        if (bad >= 0)
        {
            throw Error($"{TextHeader.Describe(digits[bad])} at column {bad + 2} is not a hex digit.");
        }

        if (digits.Length < MinRecordDigits)
        {
            throw Error($"the record is truncated: it has {digits.Length} hex digits, and even an empty record needs {MinRecordDigits}.");
        }

        if (digits.Length % 2 != 0)
        {
            throw Error($"the record has an odd number of hex digits ({digits.Length}).");
        }

        // Lengths are checked before decoding, so an absurdly long line never reaches the stack buffer.
        int count = (HexDigits.Digit(digits[0]) << 4) | HexDigits.Digit(digits[1]);
        int present = (digits.Length / 2) - 5;
        if (present < count)
        {
            throw Error($"the record is truncated: its length field says {count} data bytes but it holds {present}.");
        }

        if (present > count)
        {
            throw Error($"the record is longer than its length field says: {count} data bytes declared, {present} present.");
        }

        Span<byte> bytes = stackalloc byte[MaxRecordBytes].Slice(0, digits.Length / 2);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((HexDigits.Digit(digits[2 * i]) << 4) | HexDigits.Digit(digits[(2 * i) + 1]));
        }

        int sum = 0;
        foreach (byte b in bytes[..^1]) sum += b;
        byte expected = (byte)-sum;
        if (bytes[^1] != expected)
        {
            throw Error($"checksum is 0x{bytes[^1]:X2} but the record's bytes give 0x{expected:X2}.");
        }

        uint offset = (uint)((bytes[1] << 8) | bytes[2]);
        var data = bytes.Slice(4, count);
        switch (bytes[3])
        {
            case IntelHexRecordType.Data:
                AddData(offset, data);
                break;
            case IntelHexRecordType.EndOfFile:
                RequireLength(data, 0, "an end-of-file record");
                _endOfFileLine = Line;
                break;
            case IntelHexRecordType.ExtendedSegmentAddress:
                RequireLength(data, 2, "an extended segment address record (type 02)");
                _base = (ulong)((data[0] << 8) | data[1]) << 4;
                _segmented = true;
                break;
            case IntelHexRecordType.StartSegmentAddress:
                RequireLength(data, 4, "a start segment address record (type 03)");
                _entryPoint = ((ulong)((data[0] << 8) | data[1]) << 4) + (ulong)((data[2] << 8) | data[3]);
                break;
            case IntelHexRecordType.ExtendedLinearAddress:
                RequireLength(data, 2, "an extended linear address record (type 04)");
                _base = (ulong)((data[0] << 8) | data[1]) << 16;
                _segmented = false;
                break;
            case IntelHexRecordType.StartLinearAddress:
                RequireLength(data, 4, "a start linear address record (type 05)");
                _entryPoint = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
                break;
            default:
                throw Error($"record type 0x{bytes[3]:X2} is not an Intel HEX record type (00 to 05).");
        }

        return lineEnd;
    }

    private void AddData(uint offset, ReadOnlySpan<byte> data)
    {
        if (_segmented)
        {
            // 8086 segmented addressing: the offset wraps inside the 64 KiB segment.
            int first = (int)Math.Min((uint)data.Length, 0x10000 - offset);
            _collector.Add(_base + offset, data[..first]);
            _collector.Add(_base, data[first..]);
            return;
        }

        ulong address = _base + offset;
        if (address + (ulong)data.Length > MemoryImage.AddressSpaceEnd)
        {
            throw Error($"the record's {data.Length} bytes at 0x{address:X8} extend past the 4 GiB address space.");
        }

        _collector.Add(address, data);
    }

    private void RequireLength(ReadOnlySpan<byte> data, int length, string what)
    {
        if (data.Length != length)
        {
            throw Error($"{what} must hold {length} data bytes, not {data.Length}.");
        }
    }

}
