using Imprint.Targets.Gdb.Internal;

namespace Imprint.Tests.Gdb.Internal;

public sealed class RegisterMapTests
{
    private static Task<string> NoAnnex(string annex, CancellationToken ct) => throw new InvalidDataException("no annex " + annex);

    [Fact]
    public void DefaultArm_MatchesGdbNumbering()
    {
        var map = RegisterMap.DefaultArm;
        map.TryGet("r12", out var r12).ShouldBeTrue();
        r12.Number.ShouldBe(12);
        map.TryGet("sp", out var sp).ShouldBeTrue();
        sp.Number.ShouldBe(13);
        map.TryGet("LR", out var lr).ShouldBeTrue();
        lr.Number.ShouldBe(14);
        map.TryGet("r15", out var pc).ShouldBeTrue();
        pc.Number.ShouldBe(15);
        map.TryGet("xpsr", out var xpsr).ShouldBeTrue();
        xpsr.Number.ShouldBe(25);
        xpsr.Offset.ShouldBe(164);
        map.TryGet("cpsr", out var cpsr).ShouldBeTrue();
        cpsr.ShouldBe(xpsr);
    }

    [Fact]
    public async Task Parse_RegnumRestartsTheCount_AndOffsetsFollowNumbers()
    {
        const string xml = """
            <target><feature name="x">
              <reg name="a" bitsize="32"/><reg name="b" bitsize="64"/>
              <reg name="c" bitsize="32" regnum="10"/><reg name="d" bitsize="8"/>
            </feature></target>
            """;
        var map = await RegisterMap.ParseAsync(xml, NoAnnex, CancellationToken.None);
        map.Registers.Select(r => (r.Name, r.Number, r.Offset)).ShouldBe([("a", 0, 0), ("b", 1, 4), ("c", 10, 12), ("d", 11, 16)]);
        map.GPacketSize.ShouldBe(17);
    }

    [Fact]
    public async Task Parse_FollowsIncludes()
    {
        const string top = """<target><xi:include href="core.xml"/><xi:include href="fpu.xml"/></target>""";
        var annexes = new Dictionary<string, string>
        {
            ["core.xml"] = """<feature name="core"><reg name="r0" bitsize="32"/><reg name="pc" bitsize="32" regnum="15"/></feature>""",
            ["fpu.xml"] = """<feature name="fpu"><reg name="fpscr" bitsize="32" regnum="42"/></feature>""",
        };
        var map = await RegisterMap.ParseAsync(top, (a, _) => Task.FromResult(annexes[a]), CancellationToken.None);
        map.TryGet("fpscr", out var fpscr).ShouldBeTrue();
        fpscr.Number.ShouldBe(42);
        map.TryGet("r15", out var pc).ShouldBeTrue();
        pc.Number.ShouldBe(15);
    }

    [Theory]
    [InlineData("<target><reg name=\"a\"/></target>", "target.xml has a <reg> without a name or a positive bitsize.")]
    [InlineData("<target></target>", "target.xml describes no registers.")]
    [InlineData("<target><reg", "The server sent malformed XML:")]
    public async Task Parse_Invalid_Throws(string xml, string message)
    {
        var ex = await Should.ThrowAsync<InvalidDataException>(RegisterMap.ParseAsync(xml, NoAnnex, CancellationToken.None));
        ex.Message.ShouldStartWith(message);
    }

    [Fact]
    public async Task Parse_IncludeCycle_IsCaught()
    {
        const string loop = """<target><xi:include href="loop.xml"/></target>""";
        var ex = await Should.ThrowAsync<InvalidDataException>(RegisterMap.ParseAsync(loop, (_, _) => Task.FromResult(loop), CancellationToken.None));
        ex.Message.ShouldBe("target.xml includes nest more than 8 deep.");
    }
}
