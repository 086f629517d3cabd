using Imprint.Memory;
using Imprint.Targets;
using Imprint.Targets.Gdb;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

/// <summary>Imprint's own GDB client (<see cref="GdbTargetSession"/>) programming the virtual target through its server.</summary>
public sealed class VirtualGdbServerSessionTests
{
    [Fact]
    public async Task GdbSession_ProgramsVerifiesAndRunsTest_OverTheServer()
    {
        var firmware = await SampleFirmware.GetAsync();
        var image = new MemoryImage();
        image.Add(0, await File.ReadAllBytesAsync(firmware.BinPath), "firmware.bin");
        image.Add(SampleFirmware.SerialAddress, [0x39, 0x30, 0x00, 0x00], "serial");
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(SampleFirmware.SerialAddress, [0, 0, 0, 0]); // a previous unit's serial: must be erased
        await using var server = VirtualGdbServer.Start(mcu);

        await using (var session = await TargetConnector.OpenAsync($"gdb://127.0.0.1:{server.Port}", mcu.Device))
        {
            session.ShouldBeOfType<GdbTargetSession>();
            session.Info.ServerFlash.ShouldBeTrue();
            session.Info.ServerCrc.ShouldBeTrue();
            session.Info.MaxPacketSize.ShouldBe(VirtualGdbServer.PacketSize);

            await session.ProgramAsync(image);
            await session.VerifyAsync(image);

            await session.WriteMemoryAsync(0x2000_0000, VirtualTestProgram.Crc32(0, (uint)image.Segments[0].Length));
            var stop = await session.RunToBreakpointAsync(0x2000_0000, 0x2000_0010, TimeSpan.FromSeconds(5));
            stop.ProgramCounter.ShouldBe(0x2000_0010UL);
            (await session.ReadRegisterAsync("r0")).ShouldBe((ulong)Imprint.Checksums.Crc32.Compute(image.Segments[0].Data.Span));
        }

        var flash = new byte[image.Segments[0].Length];
        mcu.ReadMemory(0, flash);
        flash.ShouldBe(image.Segments[0].Data.ToArray());
        var serial = new byte[4];
        mcu.ReadMemory(SampleFirmware.SerialAddress, serial);
        serial.ShouldBe(new byte[] { 0x39, 0x30, 0x00, 0x00 });
    }

    [Fact]
    public async Task GdbSession_StuckSector_VerifyFailsAtTheAddress()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: new VirtualFaults { StuckSectors = [0x800] });
        mcu.Program(0x810, [0x00, 0x00, 0x00, 0x00]);
        await using var server = VirtualGdbServer.Start(mcu);
        var image = new MemoryImage();
        image.Add(0x800, Enumerable.Repeat((byte)0xA5, 0x40).ToArray(), "firmware.bin");

        await using var session = await TargetConnector.OpenAsync($"gdb://127.0.0.1:{server.Port}", mcu.Device);
        await session.ProgramAsync(image);
        var ex = await Should.ThrowAsync<TargetException>(() => session.VerifyAsync(image));
        ex.Address.ShouldBe(0x810UL);
    }

    [Fact]
    public async Task GdbSession_DroppedConnection_IsTransient()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: new VirtualFaults { DropConnectionAfterBytes = 2000 });
        await using var server = VirtualGdbServer.Start(mcu);
        var image = new MemoryImage();
        image.Add(0, new byte[0x8000], "firmware.bin");

        await using var session = await TargetConnector.OpenAsync($"gdb://127.0.0.1:{server.Port}", mcu.Device);
        var ex = await Should.ThrowAsync<TargetException>(() => session.ProgramAsync(image));
        ex.IsTransient.ShouldBeTrue(ex.Message);

        // The server serves the next connection normally: the session reconnects and the retry succeeds.
        await session.ProgramAsync(image);
        await session.VerifyAsync(image);
        server.ConnectionCount.ShouldBe(2);
    }
}
