using System.Globalization;

namespace Imprint.Projects.Internal;

/// <summary>
/// Numbers, booleans, dates and byte strings as project files write them.
/// </summary>
internal static class Numbers
{
    /// <summary>Parses decimal, <c>0x</c> hex or <c>0b</c> binary, with optional <c>_</c> separators and a K/M/G (KiB/MiB/GiB) suffix on decimals.</summary>
    public static bool TryParse(string text, out ulong value)
    {
        value = 0;
        string s = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (s.Length == 0) return false;
        if (s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X')
        {
            var hex = s.AsSpan(2);
            return hex.Length <= 16 && !hex.ContainsAnyExcept("0123456789abcdefABCDEF")
                && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (s.Length > 2 && s[0] == '0' && s[1] is 'b' or 'B')
        {
            var bin = s.AsSpan(2);
            if (bin.Length > 64 || bin.ContainsAnyExcept("01")) return false;
            foreach (char c in bin) value = (value << 1) | (uint)(c - '0');
            return true;
        }

        var span = s.AsSpan();
        if (span.EndsWith("iB", StringComparison.Ordinal)) span = span[..^2];
        ulong multiplier = 1;
        if (span.Length > 1)
        {
            multiplier = char.ToUpperInvariant(span[^1]) switch { 'K' => 1UL << 10, 'M' => 1UL << 20, 'G' => 1UL << 30, _ => 1 };
            if (multiplier != 1) span = span[..^1];
        }

        if (span.Length == 0 || span.ContainsAnyExcept("0123456789")) return false;
        if (!ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out ulong number)) return false;
        if (number > ulong.MaxValue / multiplier) return false;
        value = number * multiplier;
        return true;
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRUE" or "YES" or "ON":
                value = true;
                return true;
            case "FALSE" or "NO" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// Parses an ISO 8601 date or date and time. A bare date is midnight UTC, or with
    /// <paramref name="endOfDay"/> the last tick of that day, so <c>validUntil: 2025-06-30</c>
    /// includes the 30th. A time without an offset is UTC.
    /// </summary>
    public static bool TryParseDate(string text, bool endOfDay, out DateTimeOffset value)
    {
        string s = text.Trim();
        if (DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date, TimeSpan.Zero);
            if (endOfDay) value = value.AddDays(1).AddTicks(-1);
            return true;
        }

        // ISO 8601 only: "06/30/2025" would parse in the invariant culture, ambiguously.
        bool iso = s.Length > 11 && s[4] == '-' && s[7] == '-' && s[10] is 'T' or 't' or ' ' && char.IsAsciiDigit(s[0]);
        return DateTimeOffset.TryParse(iso ? s : "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value) && iso;
    }

    /// <summary>Parses hex byte pairs, ignoring spaces, commas, colons and dashes between them and an optional leading <c>0x</c>.</summary>
    public static bool TryParseHexBytes(string text, out byte[] bytes)
    {
        bytes = [];
        var digits = new List<char>(text.Length);
        string s = text.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        foreach (char c in s)
        {
            if (c is ' ' or ',' or ':' or '-' or '\t') continue;
            if (!char.IsAsciiHexDigit(c)) return false;
            digits.Add(c);
        }

        if (digits.Count % 2 != 0) return false;
        bytes = Convert.FromHexString(new string([.. digits]));
        return true;
    }

    public static string Address(ulong value) => $"0x{value:X8}";
}
