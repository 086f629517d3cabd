using Imprint.Targets.Gdb.Internal;

namespace Imprint.Tests.Gdb.Internal;

public sealed class StopReplyTests
{
    [Fact]
    public void Parse_TWithRegistersAndThread()
    {
        var stop = StopReply.TryParse("T05thread:01;0f:40000020;0d:00fc0020;swbreak:;")!;
        stop.Kind.ShouldBe(StopKind.Signal);
        stop.Code.ShouldBe(5);
        stop.Registers.Keys.ShouldBe([15, 13], ignoreOrder: true);
        stop.Registers[15].ShouldBe(new byte[] { 0x40, 0, 0, 0x20 });
    }

    [Theory]
    [InlineData("S02", "Signal", 2)]
    [InlineData("W00", "Exited", 0)]
    [InlineData("X09", "Terminated", 9)]
    [InlineData("W01;process:1", "Exited", 1)]
    public void Parse_Kinds(string text, string kind, int code)
    {
        var stop = StopReply.TryParse(text)!;
        stop.Kind.ToString().ShouldBe(kind);
        stop.Code.ShouldBe(code);
    }

    [Theory]
    [InlineData("OK")]
    [InlineData("E01")]
    [InlineData("PacketSize=1000")]
    [InlineData("Stuff")]
    [InlineData("S0")]
    [InlineData("S05x")]
    [InlineData("")]
    public void Parse_NotAStopReply(string text) => StopReply.TryParse(text).ShouldBeNull();
}
