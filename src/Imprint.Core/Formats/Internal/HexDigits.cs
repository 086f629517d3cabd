using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// Decodes <paramref name="count"/> bytes from the 2 × <paramref name="count"/> digits at
    /// <paramref name="source"/> into <paramref name="destination"/>, 16 at a time with SIMD where
    /// the hardware has it, and adds their sum to <paramref name="sum"/> (for record checksums).
    /// </summary>
    /// <returns><see langword="false"/> when any character is not a hex digit (the output is then meaningless).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryDecode(ref byte source, ref byte destination, int count, ref int sum)
    {
        int i = 0;
        int invalid = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian && count >= 8)
        {
            var bad = Vector128<byte>.Zero;
            var total = Vector128<byte>.Zero;
            for (; i + 16 <= count; i += 16)
            {
                var first = Nibbles(Vector128.LoadUnsafe(ref source, (nuint)(2 * i)), ref bad);
                var second = Nibbles(Vector128.LoadUnsafe(ref source, (nuint)((2 * i) + 16)), ref bad);
                var bytes = Vector128.Narrow(Combine(first), Combine(second));
                bytes.StoreUnsafe(ref destination, (nuint)i);
                total += bytes;
            }

            if (i + 8 <= count)
            {
                var half = Combine(Nibbles(Vector128.LoadUnsafe(ref source, (nuint)(2 * i)), ref bad));
                var bytes = Vector128.Narrow(half, Vector128<ushort>.Zero);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), bytes.AsUInt64().ToScalar());
                total += bytes;
                i += 8;
            }

            if (bad != Vector128<byte>.Zero) return false;
            sum += Vector128.Sum(total);
        }

        ref ushort table = ref PairTable;
        for (; i < count; i++)
        {
            int v = Pair(ref table, ref Unsafe.Add(ref source, 2 * i));
            invalid |= v;
            sum += v;
            Unsafe.Add(ref destination, i) = (byte)v;
        }

        return (invalid & Invalid) == 0;
    }

    // Each character's value 0-15; lanes that are not hex digits are flagged in bad.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Nibbles(Vector128<byte> chars, ref Vector128<byte> bad)
    {
        var digit = chars - Vector128.Create((byte)'0');
        var letter = (chars | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a');
        var isDigit = Vector128.LessThanOrEqual(digit, Vector128.Create((byte)9));
        var isLetter = Vector128.LessThanOrEqual(letter, Vector128.Create((byte)5));
        bad |= ~(isDigit | isLetter);
        return Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10));
    }

    // Adjacent nibbles (first character in the low byte) into one byte value per 16-bit lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Combine(Vector128<byte> nibbles)
    {
        var pairs = nibbles.AsUInt16();
        return ((pairs & Vector128.Create((ushort)0xFF)) << 4) | (pairs >> 8);
    }

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
