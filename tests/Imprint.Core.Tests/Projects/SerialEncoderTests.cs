using System.Text;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

public sealed class SerialEncoderTests
{
    private static SerialDefinition Def(SerialEncoding encoding, int width, string? format = null) =>
        new("sn", "default", 0x3F000, width, encoding, 1, 1, format);

    [Theory]
    [InlineData(1, 0x12UL, new byte[] { 0x12 })]
    [InlineData(2, 0x1234UL, new byte[] { 0x34, 0x12 })]
    [InlineData(4, 0x12345678UL, new byte[] { 0x78, 0x56, 0x34, 0x12 })]
    [InlineData(3, 0x0000FFUL, new byte[] { 0xFF, 0x00, 0x00 })]
    public void Encode_BinaryLittleEndian_WritesLowByteFirst(int width, ulong value, byte[] expected) =>
        SerialEncoder.Encode(Def(SerialEncoding.BinaryLittleEndian, width), value).ShouldBe(expected);

    [Theory]
    [InlineData(1, 0x12UL, new byte[] { 0x12 })]
    [InlineData(2, 0x1234UL, new byte[] { 0x12, 0x34 })]
    [InlineData(4, 0x12345678UL, new byte[] { 0x12, 0x34, 0x56, 0x78 })]
    [InlineData(3, 0x0000FFUL, new byte[] { 0x00, 0x00, 0xFF })]
    public void Encode_BinaryBigEndian_WritesHighByteFirst(int width, ulong value, byte[] expected) =>
        SerialEncoder.Encode(Def(SerialEncoding.BinaryBigEndian, width), value).ShouldBe(expected);

    [Fact]
    public void Encode_BinaryEightBytes_HoldsTheLargestNumber()
    {
        SerialEncoder.Encode(Def(SerialEncoding.BinaryLittleEndian, 8), ulong.MaxValue).ShouldAllBe(b => b == 0xFF);
        SerialEncoder.Encode(Def(SerialEncoding.BinaryBigEndian, 8), 0x0102030405060708).ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
    }

    [Theory]
    [InlineData(SerialEncoding.BinaryLittleEndian, 1, 256UL, "256 does not fit in 1 bytes as binary-le (the largest is 255)")]
    [InlineData(SerialEncoding.BinaryBigEndian, 2, 65536UL, "65536 does not fit in 2 bytes as binary-be (the largest is 65535)")]
    [InlineData(SerialEncoding.BinaryLittleEndian, 4, 4294967296UL, "4294967296 does not fit in 4 bytes as binary-le (the largest is 4294967295)")]
    [InlineData(SerialEncoding.Bcd, 2, 10000UL, "10000 does not fit in 2 bytes as bcd (the largest is 9999)")]
    [InlineData(SerialEncoding.AsciiDecimal, 3, 1000UL, "1000 does not fit in 3 bytes as ascii-dec (the largest is 999)")]
    [InlineData(SerialEncoding.AsciiHex, 2, 0x100UL, "256 does not fit in 2 bytes as ascii-hex (the largest is 255)")]
    public void Encode_NumberTooLarge_IsAnErrorNotATruncation(SerialEncoding encoding, int width, ulong value, string message)
    {
        var ex = Should.Throw<SerialException>(() => SerialEncoder.Encode(Def(encoding, width), value));
        ex.Message.ShouldBe($"serial 'sn': {message}.");
    }

    [Fact]
    public void Encode_LargestNumberOfEachWidth_Fits()
    {
        SerialEncoder.Encode(Def(SerialEncoding.BinaryLittleEndian, 1), 255).ShouldBe(new byte[] { 0xFF });
        SerialEncoder.Encode(Def(SerialEncoding.Bcd, 2), 9999).ShouldBe(new byte[] { 0x99, 0x99 });
        SerialEncoder.Encode(Def(SerialEncoding.AsciiDecimal, 3), 999).ShouldBe("999"u8.ToArray());
        SerialEncoder.Encode(Def(SerialEncoding.AsciiHex, 2), 255).ShouldBe("FF"u8.ToArray());
    }

    [Theory]
    [InlineData(4, 12345678UL, new byte[] { 0x12, 0x34, 0x56, 0x78 })]
    [InlineData(4, 42UL, new byte[] { 0x00, 0x00, 0x00, 0x42 })]
    [InlineData(3, 0UL, new byte[] { 0x00, 0x00, 0x00 })]
    [InlineData(1, 7UL, new byte[] { 0x07 })]
    [InlineData(2, 109UL, new byte[] { 0x01, 0x09 })]
    public void Encode_Bcd_PacksTwoDigitsPerByteMostSignificantFirst(int width, ulong value, byte[] expected) =>
        SerialEncoder.Encode(Def(SerialEncoding.Bcd, width), value).ShouldBe(expected);

    [Fact]
    public void Encode_BcdTenBytes_HoldsTheLargestNumber() =>
        SerialEncoder.Encode(Def(SerialEncoding.Bcd, 10), ulong.MaxValue)
            .ShouldBe(new byte[] { 0x18, 0x44, 0x67, 0x44, 0x07, 0x37, 0x09, 0x55, 0x16, 0x15 });

    [Theory]
    [InlineData(6, null, 42UL, "000042")]
    [InlineData(1, null, 7UL, "7")]
    [InlineData(9, "SN-{0:D6}", 42UL, "SN-000042")]
    [InlineData(10, "SN-{0:D6}", 42UL, "SN-000042\0")]
    [InlineData(12, "A{0}-Z", 123UL, "A000000123-Z")]
    [InlineData(10, "{{{0:D4}}}", 5UL, "{0005}\0\0\0\0")]
    [InlineData(5, "{0:d5}", 99999UL, "99999")]
    public void Encode_AsciiDecimal_ZeroPadsInsideTheFixedText(int width, string? format, ulong value, string expected)
    {
        var bytes = SerialEncoder.Encode(Def(SerialEncoding.AsciiDecimal, width, format), value);
        bytes.Length.ShouldBe(width);
        Encoding.ASCII.GetString(bytes).ShouldBe(expected.PadRight(width, '\0'));
    }

    [Theory]
    [InlineData(8, null, 0xBEEFUL, "0000BEEF")]
    [InlineData(8, "{0:x8}", 0xBEEFUL, "0000beef")]
    [InlineData(12, "MAC{0:X8}:", 0xC0FFEEUL, "MAC00C0FFEE:")]
    [InlineData(16, null, ulong.MaxValue, "FFFFFFFFFFFFFFFF")]
    public void Encode_AsciiHex_UsesTheRequestedCase(int width, string? format, ulong value, string expected) =>
        Encoding.ASCII.GetString(SerialEncoder.Encode(Def(SerialEncoding.AsciiHex, width, format), value)).ShouldBe(expected);

    [Fact]
    public void Encode_AsciiDecimalWiderThanTwentyDigits_PadsWithZeros() =>
        Encoding.ASCII.GetString(SerialEncoder.Encode(Def(SerialEncoding.AsciiDecimal, 24), ulong.MaxValue))
            .ShouldBe("000018446744073709551615");

    [Theory]
    [InlineData(SerialEncoding.BinaryLittleEndian, 0, null, "width is 0 but a binary serial number must be 1 to 8 bytes wide")]
    [InlineData(SerialEncoding.BinaryBigEndian, 9, null, "width is 9 but a binary serial number must be 1 to 8 bytes wide")]
    [InlineData(SerialEncoding.BinaryLittleEndian, 4, "{0}", "format applies only to the ascii-dec and ascii-hex encodings")]
    [InlineData(SerialEncoding.Bcd, 4, "SN{0}", "format applies only to the ascii-dec and ascii-hex encodings")]
    [InlineData(SerialEncoding.Bcd, 0, null, "width is 0 but a BCD serial number must be 1 to 256 bytes wide")]
    [InlineData(SerialEncoding.AsciiDecimal, 3, "SN-{0}", "width is 3 bytes, which leaves no room for digits after the 3 characters of fixed text in format 'SN-{0}'")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "SN-{0:D6}", "width is 8 bytes, too small for the 3 characters of fixed text and 6 digits of format 'SN-{0:D6}'")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "SN-", "format 'SN-' has no {0} placeholder for the number")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "{0}{0}", "format '{0}{0}' has more than one placeholder; write literal braces as '{{' and '}}'")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "{0:X4}", "format '{0:X4}' has placeholder '{0:X4}'; expected {0} or {0:Dn} with n digits")]
    [InlineData(SerialEncoding.AsciiHex, 8, "{1}", "format '{1}' has placeholder '{1}'; expected {0} or {0:Xn} with n digits")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "{0", "format '{0' has an unclosed '{'")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "}{0}", "format '}{0}' has a lone '}'; write a literal brace as '}}'")]
    [InlineData(SerialEncoding.AsciiDecimal, 8, "é{0}", "format 'é{0}' holds a character that is not printable ASCII")]
    public void Encode_InvalidDefinition_NamesTheField(SerialEncoding encoding, int width, string? format, string message)
    {
        var ex = Should.Throw<SerialException>(() => SerialEncoder.Encode(Def(encoding, width, format), 1));
        ex.Message.ShouldBe($"serial 'sn': {message}.");
    }

    [Theory]
    [InlineData(SerialEncoding.BinaryLittleEndian, 3, null, 0xFFFFFFUL)]
    [InlineData(SerialEncoding.BinaryBigEndian, 8, null, ulong.MaxValue)]
    [InlineData(SerialEncoding.Bcd, 3, null, 999999UL)]
    [InlineData(SerialEncoding.Bcd, 11, null, ulong.MaxValue)]
    [InlineData(SerialEncoding.AsciiDecimal, 9, "SN-{0}", 999999UL)]
    [InlineData(SerialEncoding.AsciiHex, 4, null, 0xFFFFUL)]
    public void MaxValue_IsTheLargestEncodableNumber(SerialEncoding encoding, int width, string? format, ulong expected) =>
        SerialEncoder.MaxValue(Def(encoding, width, format)).ShouldBe(expected);
}
