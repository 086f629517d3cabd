using Imprint.Targets;
using Imprint.Tests.Support;
using static Imprint.Tests.Gdb.GdbTargetSessionTests;

namespace Imprint.Tests.Gdb;

/// <summary>Registers (target.xml numbering, g/G fallback) and running to a breakpoint.</summary>
public sealed class GdbTargetSessionRunTests
{
    // As QEMU sends it: the xi prefix undeclared, registers in an included annex, xpsr renumbered.
    private const string TargetXml = """<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target><architecture>arm</architecture><xi:include href="m-profile.xml"/></target>""";

    private const string Profile = """
        <?xml version="1.0"?>
        <!DOCTYPE feature SYSTEM "gdb-target.dtd">
        <feature name="org.gnu.gdb.arm.m-profile">
          <reg name="r0" bitsize="32"/><reg name="r1" bitsize="32"/><reg name="r2" bitsize="32"/><reg name="r3" bitsize="32"/>
          <reg name="r4" bitsize="32"/><reg name="r5" bitsize="32"/><reg name="r6" bitsize="32"/><reg name="r7" bitsize="32"/>
          <reg name="r8" bitsize="32"/><reg name="r9" bitsize="32"/><reg name="r10" bitsize="32"/><reg name="r11" bitsize="32"/>
          <reg name="r12" bitsize="32"/><reg name="sp" bitsize="32" type="data_ptr"/><reg name="lr" bitsize="32"/>
          <reg name="pc" bitsize="32" type="code_ptr"/><reg name="xpsr" bitsize="32" regnum="25"/>
        </feature>
        """;

    private static FakeGdbServer WithTargetXml(FakeGdbServer server)
    {
        server.Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Reply("PacketSize=1000;qXfer:features:read+");
        server.ExpectPrefix("qXfer:features:read:target.xml:0,").Reply("l" + TargetXml);
        server.ExpectPrefix("qXfer:features:read:m-profile.xml:0,").Reply("m" + Profile[..100]);
        server.ExpectPrefix($"qXfer:features:read:m-profile.xml:{100:x},").Reply("l" + Profile[100..]);
        server.Expect("vCont?").Reply("vCont;c;C;s;S");
        server.Expect("?").Reply("T05thread:01;");
        server.Expect("qCRC:0,4").Reply("");
        return server;
    }

    [Fact]
    public async Task Registers_NumberedFromTargetXmlWithIncludes()
    {
        await using var server = WithTargetXml(FakeGdbServer.Start());
        server.Expect("p19").Reply("00000001");
        server.Expect("pd").Reply("00fc0020");
        server.Expect("Pf=01010000").Reply("OK");
        await using var session = await ConnectAsync(server);
        (await session.ReadRegisterAsync("xpsr")).ShouldBe(0x01000000UL);
        (await session.ReadRegisterAsync("r13")).ShouldBe(0x2000FC00UL);
        await session.WriteRegisterAsync("PC", 0x101);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Registers_WithoutP_UseTheGPacketAtDefaultArmOffsets()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        // Default Arm layout: r0–r15, f0–f7 (12 bytes each), fps, cpsr: xpsr at byte 164.
        string g = string.Concat(Enumerable.Range(0, 16).Select(i => $"{i:x2}000000")) + new string('0', 8 * 24) + "00000000" + "00000061";
        server.Expect("p19").Reply("");
        server.Expect("g").Reply(g);
        server.Expect("P2=78563412").Reply("");
        server.Expect("g").Reply(g);
        server.Expect("G" + g[..16] + "78563412" + g[24..]).Reply("OK");
        await using var session = await ConnectAsync(server);
        (await session.ReadRegisterAsync("xpsr")).ShouldBe(0x61000000UL);
        await session.WriteRegisterAsync("r2", 0x12345678);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Registers_UnknownName_Throws()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake();
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.ReadRegisterAsync("r99"));
        ex.Message.ShouldBe("The target has no register named 'r99' (registers from default).");
    }

    [Fact]
    public async Task RunToBreakpoint_FallsBackToHardwareBreakpoint_CollectsOutput_AndRemovesIt()
    {
        await using var server = WithTargetXml(FakeGdbServer.Start());
        server.Expect("Pf=00010020").Reply("OK");
        server.Expect("p19").Reply("00000000");
        server.Expect("P19=00000001").Reply("OK");
        server.Expect("Z0,20000040,2").Reply("");
        server.Expect("Z1,20000040,2").Reply("OK");
        server.Expect("vCont;c").Reply("O" + Convert.ToHexStringLower("self-test\n"u8), "T05thread:01;0f:40000020;swbreak:;");
        server.Expect("z1,20000040,2").Reply("OK");
        await using var session = await ConnectAsync(server);
        var stop = await session.RunToBreakpointAsync(0x20000101, 0x20000040, TimeSpan.FromSeconds(2));
        stop.ShouldBe(new StopEvent(5, 0x20000040));
        session.IsRunning.ShouldBeFalse();
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task RunToBreakpoint_PlainContinue_WhenNoVCont_ReadsPcWhenTheStopReplyHasNone()
    {
        await using var server = FakeGdbServer.Start();
        server.Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Reply("PacketSize=100");
        server.Expect("vCont?").Reply("");
        server.Expect("?").Reply("S05");
        server.Expect("qCRC:0,4").Reply("");
        server.Expect("Z0,100,2").Reply("OK");
        server.Expect("c").Reply("S05");
        server.Expect("z0,100,2").Reply("OK");
        server.Expect("pf").Reply("00010000");
        await using var session = await ConnectAsync(server);
        var stop = await session.RunToBreakpointAsync(null, 0x100, TimeSpan.FromSeconds(2));
        stop.ProgramCounter.ShouldBe(0x100UL);
    }

    [Fact]
    public async Task RunToBreakpoint_Timeout_InterruptsAndRemovesTheBreakpoint()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake();
        server.Expect("Z0,20000040,2").Reply("OK");
        server.Expect("vCont;c").Silence();
        server.ExpectInterrupt().Reply("T02thread:01;");
        server.Expect("pf").Reply("10000020");
        server.Expect("z0,20000040,2").Reply("OK");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.RunToBreakpointAsync(null, 0x20000040, TimeSpan.FromMilliseconds(200)));
        ex.Message.ShouldBe("The target did not reach the breakpoint at 0x20000040 within 0.2 s; it was halted at 0x20000010.");
        ex.Address.ShouldBe(0x20000040UL);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task RunToBreakpoint_ProgramExits_Throws()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake();
        server.Expect("Z0,20000040,2").Reply("OK");
        server.Expect("vCont;c").Reply("W01");
        server.Expect("z0,20000040,2").Reply("OK");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.RunToBreakpointAsync(null, 0x20000040, TimeSpan.FromSeconds(2)));
        ex.Message.ShouldBe("The target exited with status 1 before reaching the breakpoint at 0x20000040.");
    }

    [Fact]
    public async Task Halt_WhileRunning_Interrupts()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake();
        server.Expect("qRcmd," + Convert.ToHexStringLower("reset halt"u8)).Reply("OK");
        server.Expect("vCont;c").Silence();
        server.ExpectInterrupt().Reply("S02");
        server.Expect("?").Reply("S02");
        await using var session = await ConnectAsync(server);
        await session.ResetAsync(halt: false);
        session.IsRunning.ShouldBeTrue();
        await session.HaltAsync();
        session.IsRunning.ShouldBeFalse();
        await server.AssertCompletedAsync();
    }
}
