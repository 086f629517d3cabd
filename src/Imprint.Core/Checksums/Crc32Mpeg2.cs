namespace Imprint.Checksums;

/// <summary>
/// CRC-32/MPEG-2, the CRC that GDB's <c>qCRC</c> packet answers (OpenOCD, GDB's own
/// <c>compare-sections</c>): polynomial 0x04C11DB7 processed most significant bit first,
/// initial value 0xFFFFFFFF, no reflection, no final XOR. Check value 0x0376E6E7 for
/// "123456789". Not the same as <see cref="Crc32"/> (zlib).
/// </summary>
public static class Crc32Mpeg2
{
    /// <summary>The initial value of the CRC register.</summary>
    public const uint Initial = 0xFFFFFFFF;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32/MPEG-2 of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(Initial, data);

    /// <summary>
    /// Continues a CRC over more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>
    /// (there is no final XOR, so the CRC is the register itself).
    /// </summary>
    /// <param name="crc">The CRC of the bytes so far (<see cref="Initial"/> for none).</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The CRC of all bytes.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Table;
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ t[(crc >> 24) ^ b];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i << 24;
            for (int k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7u : c << 1;
            table[i] = c;
        }

        return table;
    }
}
