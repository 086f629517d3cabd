using System.Text.Json;
using Imprint.Checksums;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class FwCommandTests
{
    [Fact]
    public async Task Info_Json_SampleElfMatchesReadelfAndObjcopy()
    {
        var sample = await SampleFirmware.GetAsync();
        var bin = await File.ReadAllBytesAsync(sample.BinPath);
        var readelf = await ExternalTool.RunCheckedAsync("arm-none-eabi-readelf", ["-h", sample.ElfPath]);
        var entryLine = readelf.StdOut.Split('\n').First(l => l.Contains("Entry point address:", StringComparison.Ordinal));
        ulong entry = Convert.ToUInt64(entryLine.Split(':')[1].Trim(), 16);

        var result = await CliRunner.RunAsync("fw", "info", sample.ElfPath, "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("format").GetString().ShouldBe("elf");
        root.GetProperty("entryPoint").GetUInt64().ShouldBe(entry);
        root.GetProperty("totalBytes").GetInt64().ShouldBe(bin.Length);
        var segment = root.GetProperty("segments").EnumerateArray().Single();
        segment.GetProperty("start").GetUInt64().ShouldBe(0UL);
        segment.GetProperty("length").GetInt32().ShouldBe(bin.Length);
        segment.GetProperty("crc32").GetUInt32().ShouldBe(Crc32.Compute(bin));
    }

    [Fact]
    public async Task Info_Text_ShowsFormatSegmentsAndCrc()
    {
        var sample = await SampleFirmware.GetAsync();
        var bin = await File.ReadAllBytesAsync(sample.BinPath);

        var result = await CliRunner.RunAsync("fw", "info", sample.HexPath);

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("format:   hex");
        result.StdOut.ShouldContain($"0x00000000-0x{bin.Length - 1:X8}");
        result.StdOut.ShouldContain($"crc32 0x{Crc32.Compute(bin):X8}");
    }

    [Fact]
    public async Task Convert_FirmwareAndSerialAtBase_MergedAsSrecCatWouldBuildIt()
    {
        // The product's own case: the firmware plus a per-unit serial number in its flash sector.
        var sample = await SampleFirmware.GetAsync();
        using var dir = new TempDirectory();
        await File.WriteAllBytesAsync(dir.File("serial.bin"), [0x39, 0x30, 0x00, 0x00]);

        var result = await CliRunner.RunAsync("fw", "convert", sample.ElfPath, dir.File("serial.bin"), "--base", "0x0003F000", "-o", dir.File("unit.hex"));

        result.ExitCode.ShouldBe(0, result.StdErr);
        await ExternalTool.RunCheckedAsync("srec_cat", [
            sample.BinPath, "-binary", dir.File("serial.bin"), "-binary", "-offset", "0x3F000", "-o", dir.File("reference.srec"), "-motorola"]);
        var compare = await ExternalTool.RunAsync("srec_cmp", [dir.File("unit.hex"), "-intel", dir.File("reference.srec"), "-motorola"]);
        compare.ExitCode.ShouldBe(0, compare.StdErr);
    }

    [Fact]
    public async Task Convert_ElfToBin_SameAsObjcopy()
    {
        var sample = await SampleFirmware.GetAsync();
        using var dir = new TempDirectory();

        var result = await CliRunner.RunAsync("fw", "convert", sample.ElfPath, "-o", dir.File("out.bin"));

        result.ExitCode.ShouldBe(0, result.StdErr);
        (await File.ReadAllBytesAsync(dir.File("out.bin"))).ShouldBe(await File.ReadAllBytesAsync(sample.BinPath));
    }

    [Fact]
    public async Task Convert_ExplicitFill_FillsGapsOfHexOutput()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("in.hex"), ":0100000011EE\n:0100040022D9\n:00000001FF\n");

        var result = await CliRunner.RunAsync("fw", "convert", dir.File("in.hex"), "-o", dir.File("out.dat"), "--format", "hex", "--fill", "0x00", "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        (await File.ReadAllTextAsync(dir.File("out.dat"))).ShouldBe(":050000001100000022C8\r\n:00000001FF\r\n");
        using var json = JsonDocument.Parse(result.StdOut);
        json.RootElement.GetProperty("segments").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Convert_ConflictingOverlap_ErrorNamesBothFilesAndWritesNothing()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a.hex"), ":0400100001020304E2\n:00000001FF\n");
        await File.WriteAllTextAsync(dir.File("b.hex"), ":020012000909DA\n:00000001FF\n");

        var result = await CliRunner.RunAsync("fw", "convert", dir.File("a.hex"), dir.File("b.hex"), "-o", dir.File("out.bin"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe($"error: {dir.File("b.hex")} overlaps {dir.File("a.hex")} with different bytes at 0x00000012-0x00000013.\n");
        File.Exists(dir.File("out.bin")).ShouldBeFalse();
        Directory.GetFiles(dir.Path).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Convert_BadChecksum_OneLineExitCode1NoStackTrace()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("app.hex"), ":0400100001020304E2\n:0400140001020304FF\n:00000001FF\n");
        await File.WriteAllTextAsync(dir.File("out.bin"), "previous");

        var result = await CliRunner.RunAsync("fw", "convert", dir.File("app.hex"), "-o", dir.File("out.bin"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe($"error: {dir.File("app.hex")} line 2: checksum is 0xFF but the record's bytes give 0xDE.\n");
        result.StdOut.ShouldBeEmpty();
        (await File.ReadAllTextAsync(dir.File("out.bin"))).ShouldBe("previous");
    }

    [Fact]
    public async Task Convert_MissingInput_SaysSo()
    {
        using var dir = new TempDirectory();

        var result = await CliRunner.RunAsync("fw", "convert", dir.File("nope.hex"), "-o", dir.File("out.bin"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe($"error: {dir.File("nope.hex")}: no such file.\n");
    }

    [Fact]
    public async Task Convert_UnknownOutputExtension_AsksForFormat()
    {
        var sample = await SampleFirmware.GetAsync();
        using var dir = new TempDirectory();

        var result = await CliRunner.RunAsync("fw", "convert", sample.HexPath, "-o", dir.File("out.xyz"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: cannot tell the output format from the name 'out.xyz'; add --format hex, srec or bin.\n");
    }

    [Fact]
    public async Task Convert_BadBase_NamesTheOption()
    {
        var sample = await SampleFirmware.GetAsync();
        using var dir = new TempDirectory();

        var result = await CliRunner.RunAsync("fw", "convert", sample.BinPath, "--base", "0x8000_000G", "-o", dir.File("out.hex"));

        result.ExitCode.ShouldBe(1);
        result.StdErr.ShouldBe("error: --base: '0x8000_000G' is not a number (use decimal or 0x-prefixed hex).\n");
    }
}
