using System.Buffers.Binary;
using Imprint.Devices;
using Imprint.Memory;
using Imprint.Targets;
using Imprint.Targets.Gdb;
using Imprint.Testing;

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
        var image = new MemoryImage();
        image.Add(0, await File.ReadAllBytesAsync(firmware.BinPath), "firmware.bin");
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

    private sealed class SynchronousProgress(Action<TargetProgress> report) : IProgress<TargetProgress>
    {
        public void Report(TargetProgress value) => report(value);
    }
}
