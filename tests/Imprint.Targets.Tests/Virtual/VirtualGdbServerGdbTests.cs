using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

/// <summary>The virtual target's GDB server against the real GDB (gdb-multiarch).</summary>
public sealed class VirtualGdbServerGdbTests
{
    [Fact]
    public async Task GdbLoad_SampleElf_FlashEqualsObjcopyBinary()
    {
        var firmware = await SampleFirmware.GetAsync();
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);

        var gdb = await ExternalTool.RunAsync(
            "gdb-multiarch",
            ["-nx", "-batch", "-ex", "set debug remote 1", "-ex", $"target remote 127.0.0.1:{server.Port}", "-ex", "load", firmware.ElfPath],
            timeout: TimeSpan.FromSeconds(60));

        gdb.ExitCode.ShouldBe(0, gdb.StdOut + gdb.StdErr);
        gdb.StdOut.ShouldContain("Transfer rate");
        gdb.StdErr.ShouldContain("Sending packet: $vFlashDone"); // the memory map sent GDB down the flash path
        var expected = await File.ReadAllBytesAsync(firmware.BinPath);
        var actual = new byte[expected.Length];
        mcu.ReadMemory(0, actual);
        actual.ShouldBe(expected);
    }
}
