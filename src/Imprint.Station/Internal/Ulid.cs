using System.Security.Cryptography;

namespace Imprint.Station.Internal;

/// <summary>
/// Universally unique, lexicographically sortable ids (ULID: 48-bit millisecond time and 80
/// random bits, Crockford base32), so record ids sort in the order units started.
/// </summary>
internal static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[16];
        long ms = Math.Max(0, time.ToUnixTimeMilliseconds());
        for (int i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        Span<char> chars = stackalloc char[26];

        // 128 bits as 26 base32 digits, most significant first (the top digit holds 3 bits).
        UInt128 value = 0;
        foreach (byte b in bytes) value = (value << 8) | b;
        for (int i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}
