using Imprint.Checksums;
using Imprint.Targets.Virtual;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

public sealed class VirtualTestProgramTests
{
    private const uint Entry = 0x2000_0100;
    private const uint Done = Entry + VirtualTestProgram.Size;

    [Fact]
    public void Layout_IsMagicOpcodeAndTwoArguments()
    {
        VirtualTestProgram.Crc32(0x1000, 0x20).ShouldBe(new byte[]
        {
            (byte)'V', (byte)'T', (byte)'S', (byte)'T', 1, 0, 0, 0, 0x00, 0x10, 0, 0, 0x20, 0, 0, 0,
        });
    }

    [Fact]
    public void Crc32_OverFlash_ResultInR0()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        var firmware = Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray();
        mcu.Program(0x100, firmware);
        var stop = Run(mcu, VirtualTestProgram.Crc32(0x100, 64));

        stop.ShouldNotBeNull().ShouldBe(new Imprint.Targets.StopEvent(VirtualMcu.BreakpointSignal, Done));
        mcu.ReadRegister("r0").ShouldBe(Crc32.Compute(firmware));
        mcu.ReadRegister("pc").ShouldBe(Done);
    }

    [Fact]
    public void Pass_SetsR0Zero()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.WriteRegister("r0", 99);
        Run(mcu, VirtualTestProgram.Pass()).ShouldNotBeNull();
        mcu.ReadRegister("r0").ShouldBe(0u);
    }

    [Fact]
    public void Fail_SetsR0ToCode()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        Run(mcu, VirtualTestProgram.Fail(0xE17)).ShouldNotBeNull();
        mcu.ReadRegister("r0").ShouldBe(0xE17u);
    }

    [Fact]
    public void Hang_NeverStops()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        Run(mcu, VirtualTestProgram.Hang()).ShouldBeNull();
        mcu.State.ShouldBe(VirtualCoreState.Running);
        mcu.Halt().ShouldBe(new Imprint.Targets.StopEvent(VirtualMcu.InterruptSignal, Entry));
    }

    [Fact]
    public void NoBreakpointAtEnd_SpinsThere()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.WriteMemory(Entry, VirtualTestProgram.Pass());
        mcu.WriteRegister("pc", Entry | 1); // a Thumb address works too
        mcu.Resume().ShouldBeNull();
        mcu.Halt().ProgramCounter.ShouldBe((ulong)Done);
    }

    [Fact]
    public void Crc32_OverUnmappedRange_LocksUp()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        Run(mcu, VirtualTestProgram.Crc32(0x3_FFF0, 0x20)).ShouldBeNull();
        mcu.State.ShouldBe(VirtualCoreState.Running);
    }

    [Fact]
    public void ProgramInFlash_IsNotExecuted()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(0x200, VirtualTestProgram.Pass());
        mcu.AddBreakpoint(0x210);
        mcu.WriteRegister("pc", 0x200);
        mcu.Resume().ShouldBeNull();
    }

    private static Imprint.Targets.StopEvent? Run(VirtualMcu mcu, byte[] program)
    {
        mcu.WriteMemory(Entry, program);
        mcu.AddBreakpoint(Done);
        mcu.WriteRegister("pc", Entry);
        return mcu.Resume();
    }
}
