namespace Imprint.Checksums;

/// <summary>
/// CRC-32 as zlib, PNG and Ethernet compute it (polynomial 0x04C11DB7 reflected, init and
/// final XOR 0xFFFFFFFF; check value 0xCBF43926 for "123456789"). Slicing-by-8.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC-32.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC-32 over more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>.
    /// </summary>
    /// <param name="crc">The CRC-32 of the bytes so far (0 for none).</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The CRC-32 of all bytes.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Table;
        crc = ~crc;
        while (data.Length >= 8)
        {
            uint one = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (one & 0xFF)] ^ t[(6 * 256) + ((one >> 8) & 0xFF)] ^
                  t[(5 * 256) + ((one >> 16) & 0xFF)] ^ t[(4 * 256) + (one >> 24)] ^
                  t[(3 * 256) + (two & 0xFF)] ^ t[(2 * 256) + ((two >> 8) & 0xFF)] ^
                  t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }

        for (int i = 0; i < 256; i++)
        {
            for (int s = 1; s < 8; s++)
            {
                uint prev = table[((s - 1) * 256) + i];
                table[(s * 256) + i] = (prev >> 8) ^ table[prev & 0xFF];
            }
        }

        return table;
    }
}
