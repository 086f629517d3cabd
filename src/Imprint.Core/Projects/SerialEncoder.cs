using System.Buffers.Binary;
using System.Globalization;
using Imprint.Projects.Internal;

namespace Imprint.Projects;

/// <summary>
/// Turns serial numbers into the bytes written into a part.
/// </summary>
/// <remarks>
/// <para>
/// Binary encodings write the number unsigned in exactly <see cref="SerialDefinition.Width"/>
/// bytes (1 to 8). BCD packs two decimal digits per byte, most significant first, with leading
/// zeros, so a 4-byte field holds 0 to 99999999.
/// </para>
/// <para>
/// ASCII encodings write <see cref="SerialDefinition.Format"/>: fixed printable-ASCII text
/// around one placeholder, <c>{0}</c>, <c>{0:Dn}</c> (ascii-dec) or <c>{0:Xn}</c>/<c>{0:xn}</c>
/// (ascii-hex, upper or lower case), with literal braces doubled. The number is zero-padded
/// to n digits; without n it fills the width left after the fixed text. Bytes after the text
/// up to the width are 0x00. For example width 10, <c>SN-{0:D6}</c> and 42 give
/// <c>"SN-000042"</c> followed by one 0x00.
/// </para>
/// <para>A number too large for its field is an error, never truncated.</para>
/// </remarks>
public static class SerialEncoder
{
    /// <summary>Encodes <paramref name="value"/> as <paramref name="definition"/> says.</summary>
    /// <param name="definition">The serial definition.</param>
    /// <param name="value">The serial number.</param>
    /// <returns>Exactly <see cref="SerialDefinition.Width"/> bytes.</returns>
    /// <exception cref="SerialException">The definition is invalid, or the number does not fit it.</exception>
    public static byte[] Encode(SerialDefinition definition, ulong value)
    {
        var pattern = PatternOf(definition);
        if (value > pattern.MaxValue)
        {
            throw new SerialException(
                $"serial '{definition.Name}': {value} does not fit in {definition.Width} bytes as {ProjectNames.Of(definition.Encoding)} (the largest is {pattern.MaxValue}).");
        }

        var bytes = new byte[definition.Width];
        switch (definition.Encoding)
        {
            case SerialEncoding.BinaryLittleEndian:
                Span<byte> le = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(le, value);
                le[..definition.Width].CopyTo(bytes);
                break;

            case SerialEncoding.BinaryBigEndian:
                Span<byte> be = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(be, value);
                be[(8 - definition.Width)..].CopyTo(bytes);
                break;

            case SerialEncoding.Bcd:
                ulong rest = value;
                for (int i = bytes.Length - 1; i >= 0 && rest != 0; i--)
                {
                    int low = (int)(rest % 10);
                    rest /= 10;
                    int high = (int)(rest % 10);
                    rest /= 10;
                    bytes[i] = (byte)((high << 4) | low);
                }

                break;

            case SerialEncoding.AsciiDecimal or SerialEncoding.AsciiHex:
                string digits = definition.Encoding == SerialEncoding.AsciiDecimal
                    ? value.ToString(CultureInfo.InvariantCulture)
                    : value.ToString(pattern.LowerCase ? "x" : "X", CultureInfo.InvariantCulture);
                string text = pattern.Prefix + digits.PadLeft(pattern.Digits, '0') + pattern.Suffix;
                for (int i = 0; i < text.Length; i++) bytes[i] = (byte)text[i];
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(definition), definition.Encoding, "Unknown serial encoding.");
        }

        return bytes;
    }

    /// <summary>Returns the largest number <paramref name="definition"/> can encode.</summary>
    /// <param name="definition">The serial definition.</param>
    /// <returns>The largest encodable number.</returns>
    /// <exception cref="SerialException">The definition is invalid.</exception>
    public static ulong MaxValue(SerialDefinition definition) => PatternOf(definition).MaxValue;

    private static SerialPattern PatternOf(SerialDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return SerialPattern.TryParse(definition, out string field, out string error)
            ?? throw new SerialException($"serial '{definition.Name}': {field} {error}.");
    }
}
