using System.Text;

namespace Imprint.Projects.Internal;

/// <summary>
/// A serial definition's layout in the part, parsed once: the fixed text around the digits
/// (ASCII encodings), how many digits fit, and the largest number that can be written.
/// </summary>
internal sealed record SerialPattern(string Prefix, string Suffix, int Digits, bool LowerCase, ulong MaxValue)
{
    public const int MaxWidth = 256;

    /// <summary>Parses the layout of <paramref name="definition"/>, or says in <paramref name="error"/> why it is invalid.</summary>
    /// <returns>The layout, or <see langword="null"/> with <paramref name="error"/> set to a phrase ("… must …") and <paramref name="field"/> to the offending field.</returns>
    public static SerialPattern? TryParse(SerialDefinition definition, out string field, out string error)
    {
        field = "";
        error = "";
        int width = definition.Width;
        switch (definition.Encoding)
        {
            case SerialEncoding.BinaryLittleEndian or SerialEncoding.BinaryBigEndian:
                if (width is < 1 or > 8)
                {
                    (field, error) = ("width", $"is {width} but a binary serial number must be 1 to 8 bytes wide");
                    return null;
                }

                if (definition.Format is not null)
                {
                    (field, error) = ("format", "applies only to the ascii-dec and ascii-hex encodings");
                    return null;
                }

                return new SerialPattern("", "", 0, false, width == 8 ? ulong.MaxValue : (1UL << (8 * width)) - 1);

            case SerialEncoding.Bcd:
                if (width is < 1 or > MaxWidth)
                {
                    (field, error) = ("width", $"is {width} but a BCD serial number must be 1 to {MaxWidth} bytes wide");
                    return null;
                }

                if (definition.Format is not null)
                {
                    (field, error) = ("format", "applies only to the ascii-dec and ascii-hex encodings");
                    return null;
                }

                return new SerialPattern("", "", width * 2, false, MaxFor(width * 2, 10));

            case SerialEncoding.AsciiDecimal or SerialEncoding.AsciiHex:
                if (width is < 1 or > MaxWidth)
                {
                    (field, error) = ("width", $"is {width} but an ASCII serial number must be 1 to {MaxWidth} bytes wide");
                    return null;
                }

                return ParseAscii(definition, out field, out error);

            default:
                throw new ArgumentOutOfRangeException(nameof(definition), definition.Encoding, "Unknown serial encoding.");
        }
    }

    private static SerialPattern? ParseAscii(SerialDefinition definition, out string field, out string error)
    {
        bool hex = definition.Encoding == SerialEncoding.AsciiHex;
        field = "format";
        error = "";
        string format = definition.Format ?? "{0}";
        var prefix = new StringBuilder();
        var suffix = new StringBuilder();
        int? digits = null;
        bool lower = false, seen = false;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            var text = seen ? suffix : prefix;
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                text.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                text.Append('}');
                i++;
            }
            else if (c == '{')
            {
                int close = format.IndexOf('}', i);
                if (close < 0)
                {
                    error = $"'{format}' has an unclosed '{{'";
                    return null;
                }

                if (seen)
                {
                    error = $"'{format}' has more than one placeholder; write literal braces as '{{{{' and '}}}}'";
                    return null;
                }

                string spec = format[(i + 1)..close];
                if (!TryParsePlaceholder(spec, hex, out digits, out lower))
                {
                    error = $"'{format}' has placeholder '{{{spec}}}'; expected {{0}} or {{0:{(hex ? "X" : "D")}n}} with n digits";
                    return null;
                }

                seen = true;
                i = close;
            }
            else if (c == '}')
            {
                error = $"'{format}' has a lone '}}'; write a literal brace as '}}}}'";
                return null;
            }
            else if (c is < ' ' or > '~')
            {
                error = $"'{format}' holds a character that is not printable ASCII";
                return null;
            }
            else
            {
                text.Append(c);
            }
        }

        if (!seen)
        {
            error = $"'{format}' has no {{0}} placeholder for the number";
            return null;
        }

        int fixedLength = prefix.Length + suffix.Length;
        int room = definition.Width - fixedLength;
        int n = digits ?? room;
        if (n < 1 || n > room)
        {
            field = "width";
            error = digits is null
                ? $"is {definition.Width} bytes, which leaves no room for digits after the {fixedLength} characters of fixed text in format '{format}'"
                : $"is {definition.Width} bytes, too small for the {fixedLength} characters of fixed text and {n} digits of format '{format}'";
            return null;
        }

        return new SerialPattern(prefix.ToString(), suffix.ToString(), n, lower, MaxFor(n, hex ? 16u : 10u));
    }

    private static bool TryParsePlaceholder(string spec, bool hex, out int? digits, out bool lower)
    {
        digits = null;
        lower = false;
        if (spec == "0") return true;
        if (spec.Length < 3 || !spec.StartsWith("0:", StringComparison.Ordinal)) return false;
        char letter = spec[2];
        bool ok = hex ? letter is 'X' or 'x' : letter is 'D' or 'd';
        if (!ok) return false;
        lower = letter == 'x';
        if (spec.Length == 3) return true;
        if (!int.TryParse(spec.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaxWidth)
        {
            return false;
        }

        digits = n;
        return true;
    }

    private static ulong MaxFor(int digits, uint radix)
    {
        ulong max = 1;
        for (int i = 0; i < digits; i++)
        {
            if (max > ulong.MaxValue / radix) return ulong.MaxValue;
            max *= radix;
        }

        return max - 1;
    }
}
