using System.Buffers.Binary;
using Imprint.Devices;
using Imprint.Formats;
using Imprint.Memory;
using Imprint.Targets;
using Imprint.Targets.Gdb;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Qemu;

/// <summary>QEMU's lm3s6965evb as a real GDB RSP server.</summary>
public sealed class QemuProgrammingTests
{
    private static readonly GdbSessionOptions Options = new() { RequestTimeout = TimeSpan.FromSeconds(10) };

    private static Device Lm3s6965 => DeviceCatalog.BuiltIn.Get("LM3S6965");

    [Fact]
    public async Task ProgramFirmwareAndSerial_ResetRuns_UartShowsSerial()
    {
        var firmware = await SampleFirmware.GetAsync();
        await using var qemu = await QemuMachine.StartAsync();
        const uint serial = 4_012_345;
        var image = FirmwareFile.Read(firmware.ElfPath);
        var record = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(record, serial);
        image.Add(SampleFirmware.SerialAddress, record, "serial");

        await using (var session = await GdbTargetSession.ConnectAsync("127.0.0.1", qemu.Port, Lm3s6965, Options))
        {
            session.Info.ServerFlash.ShouldBeFalse();
            session.Info.ServerCrc.ShouldBeFalse();
            session.Info.MaxPacketSize.ShouldBe(0x1000);
            var events = new List<TargetProgress>();
            var progress = new SynchronousProgress(events.Add);
            await session.EraseChipAsync(progress);
            await session.ProgramAsync(image, progress);
            await session.VerifyAsync(image, progress);
            events.ShouldContain(new TargetProgress("erase", 256 * 1024, 256 * 1024));
            events.ShouldContain(new TargetProgress("program", image.TotalBytes, image.TotalBytes));
            events.ShouldContain(new TargetProgress("verify", image.TotalBytes, image.TotalBytes));

            await session.ResetAsync(halt: false);
        }

        string uart = await qemu.WaitForUartAsync($"serial={serial}\n", TimeSpan.FromSeconds(10));
        uart.ShouldBe($"{SampleFirmware.Banner}\nserial={serial}\n");
    }

    [Fact]
    public async Task WriteToUnmappedMemory_AnsweredOk_IsCaughtByVerify()
    {
        await using var qemu = await QemuMachine.StartAsync();
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", qemu.Port, Lm3s6965, Options);
        var image = new MemoryImage();
        image.Add(0x00040000, new byte[] { 0xA5, 0xA5, 0xA5, 0xA5 }, "past the flash");

        await session.ProgramAsync(image); // QEMU answers OK and drops the bytes
        var ex = await Should.ThrowAsync<TargetException>(session.VerifyAsync(image));

        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{qemu.Port} answered E14 to reading 4 bytes at 0x00040000.");
        ex.Address.ShouldBe(0x00040000UL);
    }

    [Fact]
    public async Task ReadIdRegisters_ReturnsQemuDeviceIdentification()
    {
        await using var qemu = await QemuMachine.StartAsync();
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", qemu.Port, Lm3s6965, Options);
        var values = new Dictionary<string, uint>();
        foreach (var register in Lm3s6965.IdRegisters)
        {
            var buffer = new byte[register.Length];
            await session.ReadMemoryAsync(register.Address, buffer);
            values[register.Name] = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        }

        // QEMU's stellaris model: DID0 class Sandstorm-era 0x1001 rev 0x0002, DID1 part LM3S6965.
        values["DID0"].ShouldBe(0x10010002u);
        values["DID1"].ShouldBe(0x1073402Eu);
    }

    [Fact]
    public async Task RunTestRoutineInSram_ToBreakpoint_ResultMatchesCrcComputedHere()
    {
        using var dir = new TempDirectory();
        var routine = await CrcRoutine.BuildAsync(dir, 0x20000000);
        await using var qemu = await QemuMachine.StartAsync();
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", qemu.Port, Lm3s6965, Options);

        var data = new byte[3000];
        new Random(1234).NextBytes(data);
        var image = new MemoryImage();
        image.Add(0x1000, data, "random");
        await session.ProgramAsync(image);
        await session.WriteMemoryAsync(routine.LoadAddress, routine.Code);
        await session.WriteRegisterAsync("sp", 0x20010000);
        await session.WriteRegisterAsync("r0", 0x1000);
        await session.WriteRegisterAsync("r1", (ulong)data.Length);

        var stop = await session.RunToBreakpointAsync(routine.Entry, routine.Done, TimeSpan.FromSeconds(10));

        stop.Signal.ShouldBe(5);
        stop.ProgramCounter.ShouldBe(routine.Done & ~1UL);
        (await session.ReadRegisterAsync("r0")).ShouldBe(Checksums.Crc32Mpeg2.Compute(data));
        (await session.ReadRegisterAsync("pc")).ShouldBe(routine.Done & ~1UL);
    }

    [Fact]
    public async Task RunToBreakpoint_NeverReached_TimesOutInterruptsAndNamesBothAddresses()
    {
        using var dir = new TempDirectory();
        var routine = await CrcRoutine.BuildAsync(dir, 0x20000000);
        await using var qemu = await QemuMachine.StartAsync();
        await using var session = await GdbTargetSession.ConnectAsync("127.0.0.1", qemu.Port, Lm3s6965, Options);
        await session.WriteMemoryAsync(routine.LoadAddress, routine.Code);
        await session.WriteRegisterAsync("sp", 0x20010000);
        await session.WriteRegisterAsync("r0", 0x0);
        await session.WriteRegisterAsync("r1", 0x10);

        // Break on an address the routine never reaches: it spins at done.
        var ex = await Should.ThrowAsync<TargetException>(session.RunToBreakpointAsync(routine.Entry, 0x20008000, TimeSpan.FromMilliseconds(300)));

        ex.Message.ShouldBe($"The target did not reach the breakpoint at 0x20008000 within 0.3 s; it was halted at 0x{routine.Done & ~1UL:X8}.");
        ex.Address.ShouldBe(0x20008000UL);
        ex.IsTransient.ShouldBeFalse();
        (await session.ReadRegisterAsync("r0")).ShouldBe(Checksums.Crc32Mpeg2.Compute(new byte[16]));
    }

    private sealed class SynchronousProgress(Action<TargetProgress> report) : IProgress<TargetProgress>
    {
        public void Report(TargetProgress value) => report(value);
    }
}
