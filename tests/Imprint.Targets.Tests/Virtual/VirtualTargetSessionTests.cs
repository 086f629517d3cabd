using Imprint.Memory;
using Imprint.Targets;
using Imprint.Targets.Virtual;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

public sealed class VirtualTargetSessionTests
{
    [Fact]
    public async Task EraseProgramVerify_ReportsProgressAndReadsBack()
    {
        var image = new MemoryImage();
        var firmware = Enumerable.Range(0, 0x2_0003).Select(i => (byte)(i ^ (i >> 8))).ToArray(); // odd length
        image.Add(0x0, firmware, "firmware.bin");
        image.Add(0x3_F001, [0x12, 0x34, 0x56], "serial"); // misaligned start
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        var reports = new List<TargetProgress>();
        var progress = new SyncProgress(reports);

        await session.EraseChipAsync(progress);
        await session.ProgramAsync(image, progress);
        await session.VerifyAsync(image, progress);

        var back = new byte[firmware.Length];
        await session.ReadMemoryAsync(0, back);
        back.ShouldBe(firmware);
        var serial = new byte[5];
        await session.ReadMemoryAsync(0x3_F000, serial);
        serial.ShouldBe(new byte[] { 0xFF, 0x12, 0x34, 0x56, 0xFF }); // padding programmed nothing

        reports.Where(r => r.Operation == "erase").Last().ShouldBe(new TargetProgress("erase", 0x4_0000, 0x4_0000));
        var program = reports.Where(r => r.Operation == "program").ToList();
        program.Count.ShouldBeGreaterThan(2);
        program.Select(r => r.Done).ShouldBeInOrder();
        program[^1].ShouldBe(new TargetProgress("program", image.TotalBytes, image.TotalBytes));
        reports.Where(r => r.Operation == "verify").Last().ShouldBe(new TargetProgress("verify", image.TotalBytes, image.TotalBytes));
        session.Info.Url.OriginalString.ShouldBe("virtual://LM3S6965");
    }

    [Fact]
    public async Task Program_ErasesSectorsNotErasedInThisSession()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(0x400, [0x00, 0x00, 0x00, 0x00]); // left by an earlier unit
        mcu.Program(0x800, [0x00, 0x00, 0x00, 0x00]);
        await using var session = new VirtualTargetSession(mcu);

        var image = Image(0x400, [0xAB, 0xCD, 0xEF, 0x01]);
        image.Add(0x7F0, [0x5A], "serial"); // same sector: erased once, both pieces kept
        await session.ProgramAsync(image);
        await session.VerifyAsync(image);
        Read(mcu, 0x800, 4).ShouldAllBe(b => b == 0x00); // a sector outside the image is untouched
    }

    [Fact]
    public async Task Program_AfterErase_DoesNotEraseAgain()
    {
        var time = new ManualTimeProvider();
        var faults = new VirtualFaults { EraseDelayPerSector = TimeSpan.FromSeconds(1) };
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965(), faults: faults, timeProvider: time));
        var erase = session.EraseRangeAsync(0, 0x400);
        time.Advance(TimeSpan.FromSeconds(1));
        await erase;

        // Completes without the clock moving: no second erase.
        var program = session.ProgramAsync(Image(0x100, [1, 2, 3, 4]));
        program.IsCompleted.ShouldBeTrue();
        await program;
    }

    [Fact]
    public async Task Verify_StuckSector_NamesFirstDifference()
    {
        var faults = new VirtualFaults { StuckSectors = [0x10] };
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965(), faults: faults));
        await session.ProgramAsync(Image(0x10, [0x00, 0x00, 0x00, 0x00]));
        await session.ResetAsync(halt: true); // a new session would not know the sector either
        var second = Image(0x10, [0xAB, 0x00, 0x00, 0x00]);
        await session.ProgramAsync(second); // erases, but the sector keeps its 0 bits

        var ex = await Should.ThrowAsync<TargetException>(() => session.VerifyAsync(second));
        ex.Message.ShouldBe("verify failed at 0x00000010: expected 0xAB, read 0x00.");
        ex.Address.ShouldBe(0x10UL);
        ex.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Verify_BitFlipFault_FailsAtThatAddress()
    {
        var faults = new VirtualFaults { FlipBitOnProgram = new VirtualBitFlip(0x1_2345, Bit: 7) };
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965(), faults: faults));
        var image = Image(0x1_0000, new byte[0x1_0000]);
        await session.ProgramAsync(image);
        (await Should.ThrowAsync<TargetException>(() => session.VerifyAsync(image)))
            .Message.ShouldBe("verify failed at 0x00012345: expected 0x00, read 0x80.");
    }

    [Fact]
    public async Task Program_UnmappedAddress_Fails()
    {
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        (await Should.ThrowAsync<TargetException>(() => session.ProgramAsync(Image(0x3_FFFE, [1, 2, 3, 4]))))
            .Message.ShouldBe("0x00040000 is not mapped in device LM3S6965.");
    }

    [Fact]
    public async Task RunToBreakpoint_TestProgram_ReturnsStopAndResult()
    {
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        await session.WriteMemoryAsync(0x2000_0000, VirtualTestProgram.Fail(7));
        var stop = await session.RunToBreakpointAsync(0x2000_0001, 0x2000_0010, TimeSpan.FromSeconds(5));
        stop.ShouldBe(new StopEvent(5, 0x2000_0010));
        (await session.ReadRegisterAsync("r0")).ShouldBe(7UL);
    }

    [Fact]
    public async Task RunToBreakpoint_Hang_TimesOutAndHalts()
    {
        var time = new ManualTimeProvider();
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var session = new VirtualTargetSession(mcu, timeProvider: time);
        await session.WriteMemoryAsync(0x2000_0000, VirtualTestProgram.Hang());

        var run = session.RunToBreakpointAsync(0x2000_0000, 0x2000_0010, TimeSpan.FromSeconds(3));
        run.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(3));
        var ex = await Should.ThrowAsync<TargetException>(() => run);
        ex.Message.ShouldBe("the core did not reach the breakpoint at 0x20000010 within 3 s and was halted at 0x20000000.");
        mcu.State.ShouldBe(VirtualCoreState.Halted);
    }

    [Fact]
    public async Task Registers_AndMonitorReset()
    {
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        await session.ProgramAsync(Image(0, [0x00, 0x00, 0x01, 0x20, 0x45, 0x00, 0x00, 0x00]));
        await session.WriteRegisterAsync("r5", 0xCAFE);
        (await session.ReadRegisterAsync("r5")).ShouldBe(0xCAFEUL);

        (await session.MonitorAsync("reset halt")).ShouldBe("");
        (await session.ReadRegisterAsync("pc")).ShouldBe(0x44UL);
        (await session.MonitorAsync("help")).ShouldContain("reset halt");
        (await Should.ThrowAsync<TargetException>(() => session.WriteRegisterAsync("r0", 0x1_0000_0000)))
            .Message.ShouldBe("0x100000000 does not fit register r0 of a 32-bit core.");
        (await Should.ThrowAsync<TargetException>(() => session.MonitorAsync("protect 0 zz")))
            .Message.ShouldBe("monitor command 'protect 0 zz' has 'zz' where a hex address belongs.");
    }

    [Fact]
    public async Task Monitor_Protect_ThenEraseRangeFails()
    {
        await using var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        await session.MonitorAsync("protect 0x800 0xC00");
        (await Should.ThrowAsync<TargetException>(() => session.EraseRangeAsync(0, 0x1000)))
            .Message.ShouldBe("0x00000800 is in a write-protected sector of region flash.");
        await session.MonitorAsync("unprotect 800 c00");
        await session.EraseRangeAsync(0, 0x1000);
    }

    [Fact]
    public async Task Dispose_ThenUse_Throws()
    {
        var session = new VirtualTargetSession(new VirtualMcu(TestDevices.Lm3s6965()));
        await session.DisposeAsync();
        await Should.ThrowAsync<ObjectDisposedException>(() => session.HaltAsync());
    }

    private static byte[] Read(VirtualMcu mcu, ulong address, int length)
    {
        var bytes = new byte[length];
        mcu.ReadMemory(address, bytes);
        return bytes;
    }

    private static MemoryImage Image(ulong address, byte[] data)
    {
        var image = new MemoryImage();
        image.Add(address, data, "test");
        return image;
    }
}
