using System.Text;
using Imprint.Targets.Gdb;

namespace Imprint.Tests.Gdb;

public sealed class RspPacketTests
{
    [Theory]
    [InlineData("OK", "$OK#9a")]
    [InlineData("", "$#00")]
    [InlineData("qSupported", "$qSupported#37")]
    [InlineData("g", "$g#67")]
    public void Encode_AddsChecksumModulo256(string payload, string frame) =>
        Encoding.Latin1.GetString(RspPacket.Encode(payload)).ShouldBe(frame);

    [Fact]
    public void Encode_EscapesSpecialBytes()
    {
        byte[] frame = RspPacket.Encode("a}b#c$d*e"u8);
        string body = Encoding.Latin1.GetString(frame.AsSpan(1, frame.Length - 4));
        body.ShouldBe("a}]b}\u0003c}\u0004d}\u000ae");
        RspPacket.TryDecode(Encoding.Latin1.GetBytes(body), out byte[] back).ShouldBeTrue();
        Encoding.Latin1.GetString(back).ShouldBe("a}b#c$d*e");
    }

    [Fact]
    public void Encode_NeverProducesRunLengthStars()
    {
        var data = new byte[300];
        Array.Fill(data, (byte)'*');
        byte[] frame = RspPacket.Encode(data);
        frame.Count(b => b == '*').ShouldBe(0);
        frame.Length.ShouldBe(600 + 4);
    }

    [Fact]
    public void Encode_ChecksumCoversEscapedBytes()
    {
        byte[] frame = RspPacket.Encode("#"u8);
        // body is "}" (0x7d) + 0x03: sum 0x80
        Encoding.Latin1.GetString(frame).ShouldBe("$}\u0003#80");
    }

    [Theory]
    [InlineData("0* ", "0000")] // ' ' is 32: 3 more copies
    [InlineData("x0*\"y", "x000000y")] // '"' is 34: 5 more
    [InlineData("ab*!", "abbbbb")]
    public void TryDecode_ExpandsRuns(string body, string expected)
    {
        RspPacket.TryDecode(Encoding.Latin1.GetBytes(body), out byte[] payload).ShouldBeTrue();
        Encoding.Latin1.GetString(payload).ShouldBe(expected);
    }

    [Fact]
    public void TryDecode_LongestRun()
    {
        RspPacket.TryDecode("0*~"u8, out byte[] payload).ShouldBeTrue();
        payload.Length.ShouldBe(1 + ('~' - 29));
        payload.ShouldAllBe(b => b == '0');
    }

    [Fact]
    public void TryDecode_RunThenEscape_ExpandsBeforeUnescaping()
    {
        // "}]" is an escaped '}' ; a run of the escape's second character is expanded first.
        RspPacket.TryDecode("}]*!"u8, out byte[] payload).ShouldBeTrue();
        Encoding.Latin1.GetString(payload).ShouldBe("}]]]]");
    }

    [Theory]
    [InlineData("*!")]
    [InlineData("a*")]
    [InlineData("a*\u0010")]
    [InlineData("abc}")]
    public void TryDecode_Malformed_ReturnsFalse(string body) =>
        RspPacket.TryDecode(Encoding.Latin1.GetBytes(body), out _).ShouldBeFalse();

    [Fact]
    public void Text_IsLatin1()
    {
        RspPacket.FromPayload(new byte[] { 0x4f, 0x4b, 0xe9 }).Text.ShouldBe("OK\u00e9");
        RspPacket.FromText("T05").ToString().ShouldBe("$T05");
        RspPacket.Interrupt.Kind.ShouldBe(RspPacketKind.Interrupt);
    }
}
