using Imprint.Devices;
using Imprint.Targets;
using Imprint.Targets.Virtual;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

public sealed class VirtualMcuTests
{
    private const ulong Flash = 0x0800_0000;

    [Fact]
    public void NewPart_FlashReadsErasedValue_RamReadsZero()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Read(mcu, Flash, 16).ShouldAllBe(b => b == 0xFF);
        Read(mcu, 0x0820_0000, 16).ShouldAllBe(b => b == 0x00); // erased value 0x00
        Read(mcu, 0x2000_0000, 16).ShouldAllBe(b => b == 0x00);
    }

    [Fact]
    public async Task Erase_RestoresErasedValueOfWholeSector()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(Flash + 0x3FF8, new byte[16]); // last unit of sector 0 and first of sector 1
        await mcu.EraseRangeAsync(Flash + 0x10, Flash + 0x11); // inside sector 0 only

        Read(mcu, Flash, 0x4000).ShouldAllBe(b => b == 0xFF);
        Read(mcu, Flash + 0x4000, 8).ShouldAllBe(b => b == 0x00);
    }

    [Fact]
    public async Task Erase_MixedSectorRuns_ErasesTheRunsSectorSize()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(Flash + 0x1_0000, new byte[8]);
        mcu.Program(Flash + 0x1_FFF8, new byte[8]);
        var reports = new List<TargetProgress>();
        await mcu.EraseRangeAsync(Flash + 0x1_8000, Flash + 0x1_8001, new SyncProgress(reports));

        Read(mcu, Flash + 0x1_0000, 8).ShouldAllBe(b => b == 0xFF);
        Read(mcu, Flash + 0x1_FFF8, 8).ShouldAllBe(b => b == 0xFF);
        reports[^1].ShouldBe(new TargetProgress("erase", 0x1_0000, 0x1_0000));
    }

    [Fact]
    public async Task Program_OneOverZeroWithoutErase_LeavesZero_AndVerifyFails()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(Flash, [0x0F, 0xF0, 0x00, 0xFF, 0xAA, 0x55, 0x12, 0x34]);
        byte[] second = [0xF0, 0x0F, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
        mcu.Program(Flash, second);

        // Only bits cleared by either write are 0.
        Read(mcu, Flash, 8).ShouldBe(new byte[] { 0x00, 0x00, 0x00, 0x00, 0xAA, 0x55, 0x12, 0x34 });
        var image = new Imprint.Memory.MemoryImage();
        image.Add(Flash, second, "second.bin");
        await using var session = new VirtualTargetSession(mcu);
        (await Should.ThrowAsync<TargetException>(() => session.VerifyAsync(image)))
            .Message.ShouldBe("verify failed at 0x08000000: expected 0xF0, read 0x00.");
    }

    [Fact]
    public void Program_ErasedValueZero_OnlySetsBits()
    {
        var device = TestDevices.Lm3s6965() with
        {
            Memory = [new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = 0x400, ErasedValue = 0x00 }],
        };
        var mcu = new VirtualMcu(device);
        mcu.Program(0, [0xF0]);
        mcu.Program(0, [0x0F]);
        Read(mcu, 0, 1)[0].ShouldBe((byte)0xFF);
    }

    [Fact]
    public void Program_Misaligned_RefusedWithGranularity()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        var ex = Should.Throw<TargetException>(() => mcu.Program(Flash + 4, new byte[8]));
        ex.Message.ShouldBe("program at 0x08000004 is not aligned to the 8-byte programming granularity of region flash.");
        ex.Address.ShouldBe(Flash + 4);
        Read(mcu, Flash, 16).ShouldAllBe(b => b == 0xFF);
    }

    [Fact]
    public void Program_PartialUnit_RefusedWithGranularity()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Should.Throw<TargetException>(() => mcu.Program(Flash, new byte[12]))
            .Message.ShouldBe("program of 12 bytes at 0x08000000 is not a whole number of 8-byte units of region flash.");
    }

    [Fact]
    public async Task WriteProtectedRegion_RefusesProgramAndErase()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Should.Throw<TargetException>(() => mcu.Program(0x0810_0010, new byte[4]))
            .Message.ShouldBe("0x08100010 is in a write-protected sector of region boot.");
        (await Should.ThrowAsync<TargetException>(() => mcu.EraseRangeAsync(0x0810_0000, 0x0810_1000)))
            .Message.ShouldBe("0x08100000 is in a write-protected sector of region boot.");

        mcu.SetWriteProtection(0x0810_0000, 0x0810_1000, protect: false);
        mcu.Program(0x0810_0010, new byte[4]);
        Read(mcu, 0x0810_0010, 4).ShouldAllBe(b => b == 0);
    }

    [Fact]
    public async Task ProtectedSector_ChipEraseRefusedAndNothingErased()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(Flash, new byte[8]);
        mcu.SetWriteProtection(Flash + 0x2_0000, Flash + 0x2_0001, protect: true);
        mcu.IsWriteProtected(Flash + 0x3_FFFF).ShouldBeTrue(); // same 128 KiB sector
        mcu.IsWriteProtected(Flash + 0x1_FFFF).ShouldBeFalse();

        (await Should.ThrowAsync<TargetException>(() => mcu.EraseChipAsync()))
            .Message.ShouldBe("0x08020000 is in a write-protected sector of region flash.");
        Read(mcu, Flash, 8).ShouldAllBe(b => b == 0);
    }

    [Fact]
    public async Task Otp_ProgramsOnceAndNeverErases()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(0x1FFF_7800, [1, 2, 3, 4]);
        Read(mcu, 0x1FFF_7800, 4).ShouldBe(new byte[] { 1, 2, 3, 4 });

        Should.Throw<TargetException>(() => mcu.Program(0x1FFF_7800, [1, 2, 3, 4]))
            .Message.ShouldBe("OTP at 0x1FFF7800 in region otp is already programmed.");
        mcu.Program(0x1FFF_7804, [5, 6, 7, 8]); // the next unit is still blank
        (await Should.ThrowAsync<TargetException>(() => mcu.EraseRangeAsync(0x1FFF_7800, 0x1FFF_7804)))
            .Message.ShouldBe("0x1FFF7800 is in region otp, which is one-time programmable and cannot be erased.");
    }

    [Fact]
    public void Otp_BusWriteProgramsItOnce()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.WriteMemory(0x1FFF_7810, [0x12, 0x34, 0x56, 0x78]);
        Read(mcu, 0x1FFF_7810, 4).ShouldBe(new byte[] { 0x12, 0x34, 0x56, 0x78 });
        Should.Throw<TargetException>(() => mcu.WriteMemory(0x1FFF_7810, [0, 0, 0, 0]))
            .Message.ShouldBe("OTP at 0x1FFF7810 in region otp is already programmed.");
    }

    [Fact]
    public async Task OptionBytes_EraseAndProgramLikeFlash_ButNotByChipErase()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.Program(0x1FFF_C000, [0xAA, 0x55]);
        mcu.SetWriteProtection(0x0810_0000, 0x0810_1000, protect: false);
        await mcu.EraseChipAsync();
        Read(mcu, 0x1FFF_C000, 2).ShouldBe(new byte[] { 0xAA, 0x55 });
        await mcu.EraseRangeAsync(0x1FFF_C000, 0x1FFF_C010);
        Read(mcu, 0x1FFF_C000, 2).ShouldBe(new byte[] { 0xFF, 0xFF });
    }

    [Fact]
    public void BusWrite_IntoFlashThatNeedsErase_IsRefused()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Should.Throw<TargetException>(() => mcu.WriteMemory(Flash, new byte[8]))
            .Message.ShouldBe("0x08000000 is in flash region flash, which only flash programming can write.");
    }

    [Fact]
    public void BusWrite_FlashWithoutErase_AcceptsPlainWrites()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        mcu.WriteMemory(0x0820_0000, [0x12, 0x34]);
        mcu.WriteMemory(0x0820_0000, [0x21, 0x43]);
        Read(mcu, 0x0820_0000, 2).ShouldBe(new byte[] { 0x21, 0x43 });
    }

    [Fact]
    public void Rom_RefusesWrites()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Should.Throw<TargetException>(() => mcu.WriteMemory(0x1FFF_0000, [1]))
            .Message.ShouldBe("0x1FFF0000 is in read-only region system.");
    }

    [Fact]
    public void Unmapped_ReadNamesTheAddress()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        var ex = Should.Throw<TargetException>(() => Read(mcu, 0x0003_FFFE, 4));
        ex.Message.ShouldBe("0x00040000 is not mapped in device LM3S6965.");
        ex.Address.ShouldBe(0x4_0000UL);
    }

    [Fact]
    public void UniqueId_DeterministicPerSeed_DifferentAcrossSeeds()
    {
        var device = TestDevices.Everything();
        var a = Read(new VirtualMcu(device, seed: 1), 0x1FFF_7A10, 12);
        var again = Read(new VirtualMcu(device, seed: 1), 0x1FFF_7A10, 12);
        var b = Read(new VirtualMcu(device, seed: 2), 0x1FFF_7A10, 12);

        again.ShouldBe(a);
        b.ShouldNotBe(a);
        new VirtualMcu(device, seed: 1).UniqueId.ToArray().ShouldBe(a);
        a.ShouldNotBe(new byte[12]);
    }

    [Fact]
    public void UniqueId_IsReadOnly()
    {
        var mcu = new VirtualMcu(TestDevices.Everything());
        Should.Throw<TargetException>(() => mcu.WriteMemory(0x1FFF_7A14, [0]))
            .Message.ShouldBe("0x1FFF7A14 holds an identification value and is read-only.");
    }

    [Fact]
    public void IdRegisters_SameForEverySeed_DifferentPerRegister()
    {
        var device = TestDevices.Lm3s6965();
        var did = Read(new VirtualMcu(device, seed: 1), 0x400F_E000, 8);
        Read(new VirtualMcu(device, seed: 99), 0x400F_E000, 8).ShouldBe(did);
        did[..4].ShouldNotBe(did[4..]);
        Should.Throw<TargetException>(() => Read(new VirtualMcu(device), 0x400F_E008, 4));
    }

    [Fact]
    public async Task StuckSector_EraseSucceedsButKeepsData()
    {
        var faults = new VirtualFaults { StuckSectors = [0x0000_0410] };
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: faults);
        mcu.Program(0x000, [0, 0, 0, 0]);
        mcu.Program(0x400, [0, 0, 0, 0]);
        await mcu.EraseRangeAsync(0, 0x800);
        Read(mcu, 0x000, 4).ShouldAllBe(b => b == 0xFF);
        Read(mcu, 0x400, 4).ShouldAllBe(b => b == 0x00);
    }

    [Fact]
    public void BitFlip_ProgramStoresWrongBit()
    {
        var faults = new VirtualFaults { FlipBitOnProgram = new VirtualBitFlip(0x12, Bit: 3) };
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: faults);
        mcu.Program(0x10, [0x00, 0x00, 0x00, 0x00]);
        Read(mcu, 0x10, 4).ShouldBe(new byte[] { 0x00, 0x00, 0x08, 0x00 });
    }

    [Fact]
    public async Task SlowErase_WaitsPerSectorAndHonoursCancellation()
    {
        var time = new ManualTimeProvider();
        var faults = new VirtualFaults { EraseDelayPerSector = TimeSpan.FromSeconds(1) };
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: faults, timeProvider: time);
        mcu.Program(0, [0, 0, 0, 0]);
        mcu.Program(0x400, [0, 0, 0, 0]);
        using var cts = new CancellationTokenSource();

        var erase = mcu.EraseRangeAsync(0, 0x800, null, cts.Token);
        erase.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(1)); // first sector done
        await WaitUntilAsync(() => Read(mcu, 0, 1)[0] == 0xFF);
        cts.Cancel();

        await Should.ThrowAsync<OperationCanceledException>(() => erase);
        Read(mcu, 0x400, 4).ShouldAllBe(b => b == 0x00); // the second sector never erased
    }

    [Fact]
    public void Reset_LoadsStackAndPcFromVectorTable()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(0, [0x00, 0x00, 0x01, 0x20, 0xC1, 0x00, 0x00, 0x00]);
        mcu.WriteRegister("r0", 7);
        mcu.Reset(halt: true);

        mcu.State.ShouldBe(VirtualCoreState.Halted);
        mcu.ReadRegister("sp").ShouldBe(0x2001_0000u);
        mcu.ReadRegister("PC").ShouldBe(0xC0u);
        mcu.ReadRegister("xpsr").ShouldBe(0x0100_0000u);
        mcu.ReadRegister("r0").ShouldBe(0u);

        mcu.Reset(halt: false);
        mcu.State.ShouldBe(VirtualCoreState.Running);
        Should.Throw<TargetException>(() => mcu.ReadRegister("r0"))
            .Message.ShouldBe("the core is running; halt it before accessing register r0.");
        mcu.Halt().Signal.ShouldBe(VirtualMcu.InterruptSignal);
    }

    [Fact]
    public void Register_UnknownName_ListsValidNames()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        Should.Throw<TargetException>(() => mcu.ReadRegister("r13x"))
            .Message.ShouldBe("register 'r13x' does not exist; use r0-r12, sp, lr, pc or xpsr.");
    }

    [Fact]
    public void Region_TooLarge_IsRefusedWithRegionName()
    {
        var device = TestDevices.Lm3s6965() with
        {
            Memory = [new MemoryRegion { Name = "qspi", Kind = MemoryKind.Flash, Start = 0x9000_0000, Size = 1UL << 32 }],
        };
        Should.Throw<TargetException>(() => new VirtualMcu(device))
            .Message.ShouldBe("region qspi of device LM3S6965 is 4294967296 bytes; the virtual microcontroller supports 1 byte to 256 MiB per region.");
    }

    private static byte[] Read(VirtualMcu mcu, ulong address, int length)
    {
        var bytes = new byte[length];
        mcu.ReadMemory(address, bytes);
        return bytes;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        condition().ShouldBeTrue();
    }
}
