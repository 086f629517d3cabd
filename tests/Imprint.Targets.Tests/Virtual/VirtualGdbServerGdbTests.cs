using Imprint.Devices;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

/// <summary>The virtual target's GDB server against the real GDB (gdb-multiarch).</summary>
public sealed class VirtualGdbServerGdbTests
{
    [Fact]
    public async Task GdbLoad_FlashThatNeedsErase_GoesThroughVFlash_AndEqualsObjcopyBinary()
    {
        var gdb = await LoadSampleAsync(TestDevices.Lm3s6965());
        gdb.StdErr.ShouldContain("Sending packet: $vFlashDone"); // the memory map sent GDB down the flash path
    }

    [Fact]
    public async Task GdbLoad_CatalogLm3s6965WithoutErase_GoesThroughMemoryWrites_AndEqualsObjcopyBinary()
    {
        var gdb = await LoadSampleAsync(DeviceCatalog.BuiltIn.Get("LM3S6965"));
        gdb.StdErr.ShouldNotContain("vFlash");
        gdb.StdErr.ShouldContain("Sending packet: $X0,");
    }

    [Fact]
    public async Task GdbLoad_RandomElfAtOddAddress_PaddedAndEscapedCorrectly()
    {
        using var temp = new TempDirectory();
        var data = new byte[0x1_8003];
        new Random(7).NextBytes(data); // every byte value, so GDB escapes '}' '#' '$' '*' in vFlashWrite
        await File.WriteAllBytesAsync(temp.File("r.bin"), data);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy",
            ["-I", "binary", "-O", "elf32-littlearm", "-B", "arm", "--rename-section", ".data=.text,contents,alloc,load,readonly,code",
             "--change-addresses", "0x2002", temp.File("r.bin"), temp.File("r.elf")]);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "binary", temp.File("r.elf"), temp.File("back.bin")]);
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);

        var gdb = await ExternalTool.RunAsync(
            "gdb-multiarch",
            ["-nx", "-batch", "-ex", $"target remote 127.0.0.1:{server.Port}", "-ex", "load", "-ex", "compare-sections", temp.File("r.elf")],
            timeout: TimeSpan.FromSeconds(60));

        gdb.ExitCode.ShouldBe(0, gdb.StdOut + gdb.StdErr);
        gdb.StdOut.ShouldContain("Section .text, range 0x2002 -- 0x1a005: matched.");
        var expected = await File.ReadAllBytesAsync(temp.File("back.bin"));
        var actual = new byte[expected.Length + 4];
        mcu.ReadMemory(0x2000, actual);
        actual[2..^2].ShouldBe(expected);
        actual[..2].ShouldBe(new byte[] { 0xFF, 0xFF }); // padding to whole words programmed nothing
        actual[^2..].ShouldBe(new byte[] { 0xFF, 0xFF });
    }

    // Loads the sample ELF with `gdb -batch -ex load -ex compare-sections`, then checks Imprint's
    // read-back of the virtual flash against objcopy's binary of the same ELF.
    private static async Task<ExternalToolResult> LoadSampleAsync(Device device)
    {
        var firmware = await SampleFirmware.GetAsync();
        var mcu = new VirtualMcu(device);
        await using var server = VirtualGdbServer.Start(mcu);

        var gdb = await ExternalTool.RunAsync(
            "gdb-multiarch",
            ["-nx", "-batch", "-ex", "set debug remote 1", "-ex", $"target remote 127.0.0.1:{server.Port}", "-ex", "load", "-ex", "compare-sections", firmware.ElfPath],
            timeout: TimeSpan.FromSeconds(60));

        gdb.ExitCode.ShouldBe(0, gdb.StdOut + gdb.StdErr);
        gdb.StdOut.ShouldContain("Transfer rate");

        // compare-sections checks GDB's own CRC of each section against the server's qCRC.
        gdb.StdOut.ShouldContain("Section .text, range 0x0 -- 0x");
        gdb.StdOut.ShouldContain("matched.");
        gdb.StdOut.ShouldNotContain("MIS-MATCHED");

        var expected = await File.ReadAllBytesAsync(firmware.BinPath);
        var actual = new byte[expected.Length];
        await using var session = new VirtualTargetSession(mcu);
        await session.ReadMemoryAsync(0, actual);
        actual.ShouldBe(expected);
        return gdb;
    }
}
