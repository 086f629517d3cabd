using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Imprint.Formats.Internal;

/// <summary>
/// Lookup tables for ASCII hex: one load decodes a pair of digits, one load encodes a byte.
/// The text readers spend nearly all their time here, so there is no per-digit branching.
/// </summary>
internal static class HexDigits
{
    /// <summary>Set in a <see cref="Pairs"/> entry when either character is not a hex digit.</summary>
    public const int Invalid = 0x100;

    /// <summary>The characters a hex digit may be (both cases).</summary>
    public static readonly SearchValues<byte> Digits = SearchValues.Create("0123456789ABCDEFabcdef"u8);

    // Indexed by two adjacent characters read as one native-endian ushort.
    private static readonly ushort[] Pairs = BuildPairs();

    // Two upper-case characters per byte, laid out so one native-endian ushort store writes them in order.
    private static readonly ushort[] Encoded = BuildEncoded();

    /// <summary>Returns the value of one hex digit, or -1.</summary>
    public static int Digit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>Gets the start of the pair table, for hot loops that index it without bounds checks.</summary>
    public static ref ushort PairTable => ref MemoryMarshal.GetArrayDataReference(Pairs);

    /// <summary>Decodes the two digits at <paramref name="text"/>: a byte value, or a value with <see cref="Invalid"/> set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pair(ref ushort table, ref byte text) =>
        Unsafe.Add(ref table, Unsafe.ReadUnaligned<ushort>(ref text));

    /// <summary>Writes the two upper-case digits of <paramref name="value"/> at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Encode(ref byte destination, byte value) =>
        Unsafe.WriteUnaligned(ref destination, Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Encoded), value));

    private static ushort[] BuildPairs()
    {
        var table = new ushort[65536];
        for (int i = 0; i < table.Length; i++)
        {
            // The character at the lower address is the high nibble.
            byte first = BitConverter.IsLittleEndian ? (byte)i : (byte)(i >> 8);
            byte second = BitConverter.IsLittleEndian ? (byte)(i >> 8) : (byte)i;
            int hi = Digit(first), lo = Digit(second);
            table[i] = hi < 0 || lo < 0 ? (ushort)Invalid : (ushort)((hi << 4) | lo);
        }

        return table;
    }

    private static ushort[] BuildEncoded()
    {
        const string digits = "0123456789ABCDEF";
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            byte first = (byte)digits[i >> 4], second = (byte)digits[i & 0xF];
            table[i] = BitConverter.IsLittleEndian ? (ushort)(first | (second << 8)) : (ushort)((first << 8) | second);
        }

        return table;
    }
}
