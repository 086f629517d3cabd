using System.Security.Cryptography;

namespace Imprint.Cloud.Internal;

/// <summary>Random, prefixed, URL-safe ids (<c>job_…</c>): unguessable, so a foreign id reveals nothing.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[24];
        // 15 bytes = 120 bits = 24 base-32 digits.
        var bitBuffer = 0UL;
        var bits = 0;
        var c = 0;
        foreach (var b in bytes)
        {
            bitBuffer = (bitBuffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[c++] = Alphabet[(int)((bitBuffer >> bits) & 31)];
            }
        }

        return prefix + "_" + new string(chars[..c]);
    }

    public static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}
