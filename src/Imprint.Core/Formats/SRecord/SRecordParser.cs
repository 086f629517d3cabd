using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Imprint.Formats.Internal;
using Imprint.Memory;

namespace Imprint.Formats.SRecord;

/// <summary>
/// Parses Motorola S-records fed in whole lines, with the same split as the Intel HEX parser:
/// a fast path for well-formed S1/S2/S3 data records and a careful path that words errors.
/// </summary>
internal sealed class SRecordParser(string source) : TextRecordParser(source)
{
    private readonly SegmentCollector _collector = new(source);
    private int _terminationLine;
    private int _dataRecords;
    private ulong? _entryPoint;

    protected override byte StartCharacter => (byte)'S';

    protected override string EndRecordName => "termination record";

    protected override int EndRecordLine => _terminationLine;

    public override MemoryImage Complete()
    {
        if (!SawRecord) throw new FirmwareFormatException(Source, null, null, "the file is empty (no S-records).");

        // No termination record is accepted: srec_cat leaves it out when there is no start address.
        return _collector.ToImage(_entryPoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override int ParseRecord(ReadOnlySpan<byte> text, int pos)
    {
        // 'S', type, count, at least a 2-byte address and the checksum.
        if (pos + 10 <= text.Length)
        {
            int type = text[pos + 1] - '0';
            ref ushort table = ref HexDigits.PairTable;
            ref byte r = ref Unsafe.Add(ref MemoryMarshal.GetReference(text), pos + 2);
            int count = HexDigits.Pair(ref table, ref r);
            int addressLength = type + 1;
            int dataLength = count - addressLength - 1;
            int end = pos + 4 + (2 * count);
            if (type is >= SRecordType.Data16 and <= SRecordType.Data32
                && (count & HexDigits.Invalid) == 0
                && dataLength > 0
                && end <= text.Length
                && (end == text.Length || text[end] is (byte)'\n' or (byte)'\r'))
            {
                int sum = count, invalid = 0;
                uint address = 0;
                for (int i = 0; i < addressLength; i++)
                {
                    int v = HexDigits.Pair(ref table, ref Unsafe.Add(ref r, 2 + (2 * i)));
                    invalid |= v;
                    sum += v;
                    address = (address << 8) | (byte)v;
                }

                if ((invalid & HexDigits.Invalid) == 0 && address + (ulong)dataLength <= MemoryImage.AddressSpaceEnd)
                {
                    var destination = _collector.Reserve(address, dataLength);
                    ref byte d = ref MemoryMarshal.GetReference(destination);
                    ref byte p = ref Unsafe.Add(ref r, 2 + (2 * addressLength));
                    bool valid = HexDigits.TryDecode(ref p, ref d, dataLength, ref sum);
                    int checksum = HexDigits.Pair(ref table, ref Unsafe.Add(ref p, 2 * dataLength));
                    if (valid && ((invalid | checksum) & HexDigits.Invalid) == 0 && ((sum + checksum) & 0xFF) == 0xFF)
                    {
                        _collector.Commit(dataLength);
                        _dataRecords++;
                        return end;
                    }
                }
            }
        }

        return ParseRecordCarefully(text, pos);
    }

    private int ParseRecordCarefully(ReadOnlySpan<byte> text, int pos)
    {
        int lineEnd = text[pos..].IndexOfAny((byte)'\r', (byte)'\n');
        lineEnd = lineEnd < 0 ? text.Length : pos + lineEnd;
        var line = text[pos..lineEnd];
        if (line.Length < 2)
        {
            throw Error("the record is truncated: it ends after the 'S'.");
        }

        int type = line[1] - '0';
        if (type is < 0 or > 9)
        {
            throw Error($"{TextHeader.Describe(line[1])} after 'S' is not an S-record type (S0 to S9).");
        }

        var digits = line[2..];
        int bad = digits.IndexOfAnyExcept(HexDigits.Digits);
        if (bad >= 0)
        {
            throw Error($"{TextHeader.Describe(digits[bad])} at column {bad + 3} is not a hex digit.");
        }

        if (type == SRecordType.Reserved)
        {
            throw Error("record type S4 is reserved and not supported.");
        }

        int addressLength = SRecordType.AddressLength(type);
        int minDigits = 2 * (1 + addressLength + 1);
        if (digits.Length < minDigits)
        {
            throw Error($"the S{type} record is truncated: it has {digits.Length} hex digits, and even an empty one needs {minDigits}.");
        }

        if (digits.Length % 2 != 0)
        {
            throw Error($"the record has an odd number of hex digits ({digits.Length}).");
        }

        // Lengths are checked before decoding, so an absurdly long line never reaches the stack buffer.
        int count = (HexDigits.Digit(digits[0]) << 4) | HexDigits.Digit(digits[1]);
        int present = (digits.Length / 2) - 1;
        if (count < addressLength + 1)
        {
            throw Error($"the count field 0x{count:X2} is too small for an S{type} record ({addressLength} address bytes and a checksum need {addressLength + 1}).");
        }

        if (present < count)
        {
            throw Error($"the record is truncated: its count field says {count} bytes follow but {present} do.");
        }

        if (present > count)
        {
            throw Error($"the record is longer than its count field says: {count} bytes declared, {present} present.");
        }

        Span<byte> bytes = stackalloc byte[1 + 255].Slice(0, digits.Length / 2);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((HexDigits.Digit(digits[2 * i]) << 4) | HexDigits.Digit(digits[(2 * i) + 1]));
        }

        int sum = 0;
        foreach (byte b in bytes[..^1]) sum += b;
        byte expected = (byte)~sum;
        if (bytes[^1] != expected)
        {
            throw Error($"checksum is 0x{bytes[^1]:X2} but the record's bytes give 0x{expected:X2}.");
        }

        ulong address = 0;
        foreach (byte b in bytes.Slice(1, addressLength)) address = (address << 8) | b;
        var data = bytes[(1 + addressLength)..^1];
        switch (type)
        {
            case SRecordType.Header:
                break;
            case SRecordType.Data16 or SRecordType.Data24 or SRecordType.Data32:
                if (address + (ulong)data.Length > MemoryImage.AddressSpaceEnd)
                {
                    throw Error($"the record's {data.Length} bytes at 0x{address:X8} extend past the 4 GiB address space.");
                }

                _collector.Add(address, data);
                _dataRecords++;
                break;
            case SRecordType.Count16 or SRecordType.Count24:
                RequireNoData(type, data);
                if (address != (ulong)_dataRecords)
                {
                    throw Error($"the S{type} count record says {address} data records but {_dataRecords} precede it.");
                }

                break;
            default:
                RequireNoData(type, data);
                _entryPoint = address;
                _terminationLine = Line;
                break;
        }

        return lineEnd;
    }

    private void RequireNoData(int type, ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            throw Error($"an S{type} record holds no data bytes, but this one has {data.Length}.");
        }
    }

}
