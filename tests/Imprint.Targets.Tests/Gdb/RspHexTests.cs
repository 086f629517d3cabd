using System.Text;
using Imprint.Targets.Gdb;

namespace Imprint.Tests.Gdb;

public sealed class RspHexTests
{
    [Fact]
    public void Encode_IsLowercaseTwoDigitsPerByte() =>
        RspHex.Encode(new byte[] { 0x00, 0xAB, 0x7F }).ShouldBe("00ab7f");

    [Fact]
    public void TryDecode_AcceptsEitherCase()
    {
        RspHex.TryDecode("00aBFf"u8, out byte[] data).ShouldBeTrue();
        data.ShouldBe(new byte[] { 0x00, 0xAB, 0xFF });
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz")]
    [InlineData("0g")]
    public void TryDecode_NotHex_ReturnsFalse(string text) =>
        RspHex.TryDecode(Encoding.ASCII.GetBytes(text), out byte[] _).ShouldBeFalse();

    [Fact]
    public void Text_RoundTrips()
    {
        RspHex.EncodeText("reset halt").ShouldBe("72657365742068616c74");
        RspHex.TryDecodeText("4f4b0a"u8, out string text).ShouldBeTrue();
        text.ShouldBe("OK\n");
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("20000000", 0x20000000UL)]
    [InlineData("FfFf", 0xFFFFUL)]
    [InlineData("ffffffffffffffff", ulong.MaxValue)]
    public void TryParseNumber_Parses(string text, ulong expected)
    {
        RspHex.TryParseNumber(Encoding.ASCII.GetBytes(text), out ulong value).ShouldBeTrue();
        value.ShouldBe(expected);
        RspHex.TryParseNumber(text.AsSpan(), out ulong fromChars).ShouldBeTrue();
        fromChars.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1ffffffffffffffff")]
    [InlineData("12x")]
    public void TryParseNumber_Invalid_ReturnsFalse(string text)
    {
        RspHex.TryParseNumber(Encoding.ASCII.GetBytes(text), out _).ShouldBeFalse();
        RspHex.TryParseNumber(text.AsSpan(), out _).ShouldBeFalse();
    }

    [Fact]
    public void FormatNumber_HasNoLeadingZeros() => RspHex.FormatNumber(0x0003F000).ShouldBe("3f000");
}
