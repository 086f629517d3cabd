using System.Globalization;

namespace Imprint.Devices.Internal;

/// <summary>
/// Numbers as device files and CMSIS packs write them: decimal, <c>0x</c> hex, or a size with a
/// binary suffix (<c>16K</c>, <c>1M</c>, <c>64KiB</c>).
/// </summary>
internal static class NumberText
{
    public static bool TryParse(string text, out ulong value) => TryParse(text, allowSuffix: true, out value);

    public static bool TryParse(string text, bool allowSuffix, out ulong value)
    {
        value = 0;
        var s = text.AsSpan().Trim();
        if (s.Length == 0) return false;
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        {
            var hex = s[2..];
            return hex.Length <= 16 && !hex.ContainsAnyExcept("0123456789abcdefABCDEF")
                && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        ulong multiplier = 1;
        if (allowSuffix && s.EndsWith("iB", StringComparison.Ordinal)) s = s[..^2];
        if (allowSuffix && s.Length > 1)
        {
            multiplier = char.ToUpperInvariant(s[^1]) switch { 'K' => 1UL << 10, 'M' => 1UL << 20, 'G' => 1UL << 30, _ => 1 };
            if (multiplier != 1) s = s[..^1];
        }

        if (s.Length == 0 || s.ContainsAnyExcept("0123456789")) return false;
        if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong number)) return false;
        if (number > ulong.MaxValue / multiplier) return false;
        value = number * multiplier;
        return true;
    }

    public static string Address(ulong value) => $"0x{value:X8}";

    public static string Size(ulong value)
    {
        if (value >= 1 << 20 && value % (1 << 20) == 0) return (value >> 20).ToString(CultureInfo.InvariantCulture) + "M";
        if (value >= 1 << 10 && value % (1 << 10) == 0) return (value >> 10).ToString(CultureInfo.InvariantCulture) + "K";
        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A size for people: <c>256 KiB</c>, <c>1 MiB</c>, <c>528 bytes</c>.</summary>
    public static string HumanSize(ulong value)
    {
        if (value >= 1 << 20 && value % (1 << 20) == 0) return $"{value >> 20} MiB";
        if (value >= 1 << 10 && value % (1 << 10) == 0) return $"{value >> 10} KiB";
        return value == 1 ? "1 byte" : $"{value} bytes";
    }

    public static bool IsPowerOfTwo(ulong value) => value != 0 && (value & (value - 1)) == 0;
}
