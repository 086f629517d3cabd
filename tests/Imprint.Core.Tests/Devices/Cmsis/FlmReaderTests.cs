using System.Buffers.Binary;
using System.Text;
using Imprint.Devices;
using Imprint.Devices.Cmsis;
using Imprint.Devices.Cmsis.Internal;
using Imprint.Testing;

namespace Imprint.Tests.Devices.Cmsis;

public sealed class FlmReaderTests
{
    private static async Task<byte[]> AlgorithmBytesAsync() => (byte[])(await TestFlashAlgorithm.GetAsync()).Bytes.Clone();

    private static async Task<DeviceException> FailsAsync(Action<byte[]> damage)
    {
        var bytes = await AlgorithmBytesAsync();
        damage(bytes);
        return Should.Throw<DeviceException>(() => FlmReader.Read(bytes, "Test.FLM"));
    }

    private static void ReplaceAll(byte[] bytes, string from, string to)
    {
        var pattern = Encoding.ASCII.GetBytes(from + "\0");
        var replacement = Encoding.ASCII.GetBytes(to + "\0");
        int found = 0;
        for (int at = bytes.AsSpan().IndexOf(pattern); at >= 0; at = bytes.AsSpan().IndexOf(pattern))
        {
            replacement.CopyTo(bytes, at);
            found++;
        }

        found.ShouldBeGreaterThan(0, $"'{from}' is not in the test algorithm");
    }

    private static int DescriptorOffset(byte[] bytes) => (int)ElfFile.Parse(bytes, "Test.FLM").Section("DevDscr")!.Offset;

    [Fact]
    public async Task Read_GccBuiltAlgorithm_GivesItsFlashDeviceDescriptor()
    {
        var flm = await FlmReader.ReadFileAsync((await TestFlashAlgorithm.GetAsync()).Path, CancellationToken.None);

        flm.Name.ShouldBe("Test.FLM");
        flm.DeviceName.ShouldBe(TestFlashAlgorithm.DeviceName);
        (flm.Version, flm.DeviceType).ShouldBe(((ushort)0x0101, FlashDeviceType.OnChip));
        (flm.FlashStart, flm.FlashSize, flm.PageSize, flm.ErasedValue).ShouldBe((0x08000000UL, 0x100000UL, 1024u, (byte)0xFF));
        (flm.ProgramPageTimeoutMs, flm.EraseSectorTimeoutMs).ShouldBe((100u, 3000u));
        flm.Sectors.ShouldBe([new SectorRun(0, 0x4000), new SectorRun(0x10000, 0x10000), new SectorRun(0x20000, 0x20000)]);
    }

    [Fact]
    public async Task Read_EntryPoints_MatchWhatNmReports()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        var symbols = await algorithm.SymbolsAsync();
        var flm = FlmReader.Read(algorithm.Bytes, "Test.FLM");

        uint Offset(string name) => (symbols[name] & ~1u) - flm.LoadOffset;
        flm.EntryPoints.ShouldBe(new FlashAlgorithmEntryPoints(
            Offset("Init"), Offset("UnInit"), Offset("EraseSector"), Offset("ProgramPage"), Offset("EraseChip"), Offset("Verify"), Offset("BlankCheck")));
        flm.LoadOffset.ShouldBe(0u);
    }

    [Fact]
    public async Task Read_Code_IsWhatObjcopyExtractsFromPrgCodeAndPrgData()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        using var temp = new TempDirectory();
        string bin = temp.File("code.bin");
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "binary", "-j", "PrgCode", "-j", "PrgData", algorithm.Path, bin]);
        var headers = (await ExternalTool.RunCheckedAsync("arm-none-eabi-objdump", ["-h", algorithm.Path])).StdOut;
        var prgData = headers.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(p => p.Length > 3 && p[1] == "PrgData");

        var flm = FlmReader.Read(algorithm.Bytes, "Test.FLM");

        flm.Code.ToArray().ShouldBe(File.ReadAllBytes(bin));
        flm.StaticBase.ShouldBe(Convert.ToUInt32(prgData[3], 16)); // the VMA column
    }

    [Fact]
    public async Task Read_NoDevDscrSection_FallsBackToTheFlashDeviceSymbol()
    {
        var bytes = await AlgorithmBytesAsync();
        ReplaceAll(bytes, "DevDscr", "DevXxxx");

        FlmReader.Read(bytes, "Test.FLM").DeviceName.ShouldBe(TestFlashAlgorithm.DeviceName);
    }

    [Fact]
    public async Task Read_NoDescriptorAtAll_IsNotAnAlgorithm() =>
        (await FailsAsync(b =>
        {
            ReplaceAll(b, "DevDscr", "DevXxxx");
            ReplaceAll(b, "FlashDevice", "FlashDevicX");
        })).Message.ShouldBe("Test.FLM has no DevDscr section (the FlashDevice descriptor), so it is not a CMSIS flash algorithm.");

    [Fact]
    public async Task Read_MissingMandatoryEntryPoint_NamesIt() =>
        (await FailsAsync(b => ReplaceAll(b, "ProgramPage", "ProgramPagX"))).Message
            .ShouldBe("Test.FLM has no symbol 'ProgramPage', a mandatory entry point of a flash algorithm.");

    [Fact]
    public async Task Read_MissingOptionalEntryPoint_IsNull()
    {
        var bytes = await AlgorithmBytesAsync();
        ReplaceAll(bytes, "BlankCheck", "BlankChecX");

        var flm = FlmReader.Read(bytes, "Test.FLM");
        flm.EntryPoints.BlankCheck.ShouldBeNull();
        flm.EntryPoints.Verify.ShouldNotBeNull();
    }

    [Fact]
    public async Task Read_NoSectorEndMarker_IsReported() =>
        (await FailsAsync(b =>
        {
            int end = DescriptorOffset(b) + 160 + (3 * 8);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(end), 0x20000);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(end + 4), 0x40000);
        })).Message.ShouldBe("Test.FLM: the FlashDevice sector list has no 0xFFFFFFFF end marker before the end of DevDscr (192 bytes).");

    [Fact]
    public async Task Read_ZeroSectorSize_NamesTheRun() =>
        (await FailsAsync(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(DescriptorOffset(b) + 160 + 8), 0)))
            .Message.ShouldBe("Test.FLM: FlashDevice sector run 1 (DevDscr offset 168) has size 0.");

    [Fact]
    public async Task Read_RunsOutOfOrder_AreRefused() =>
        (await FailsAsync(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(DescriptorOffset(b) + 160 + 16 + 4), 0x8000)))
            .Message.ShouldBe("Test.FLM: FlashDevice sector run 2 (offset 0x8000) does not start after run 1 (offset 0x10000).");

    [Fact]
    public async Task Read_ZeroFlashSize_IsRefused() =>
        (await FailsAsync(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(DescriptorOffset(b) + 136), 0)))
            .Message.ShouldBe("Test.FLM: DevDscr szDev (offset 136) is 0; the algorithm programs no flash.");

    [Fact]
    public void Read_NotElf_SaysSo() =>
        Should.Throw<DeviceException>(() => FlmReader.Read("hello"u8.ToArray(), "bad.FLM"))
            .Message.ShouldBe("bad.FLM is not an ELF file (no 0x7F 'ELF' magic at offset 0).");

    [Fact]
    public async Task Read_64BitElf_IsRefused() =>
        (await FailsAsync(b => b[4] = 2)).Message
            .ShouldBe("Test.FLM is not a 32-bit ELF file (class 2 at offset 0x4); flash algorithms are 32-bit Arm ELF files.");

    [Fact]
    public async Task Read_OtherMachine_IsRefused() =>
        (await FailsAsync(b => b[18] = 62)).Message.ShouldBe("Test.FLM is an ELF file for machine 62, not Arm (40), at offset 0x12.");

    [Fact]
    public async Task Read_Truncated_SaysWhereTheSectionTableWas()
    {
        var bytes = (await AlgorithmBytesAsync())[..0x400];
        uint shoff = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32));

        Should.Throw<DeviceException>(() => FlmReader.Read(bytes, "Test.FLM")).Message
            .ShouldBe($"Test.FLM: the section header table at offset 0x{shoff:X} lies past the end of the file (1024 bytes).");
    }

    [Fact]
    public async Task Read_SectionPastTheEnd_NamesTheSection() =>
        (await FailsAsync(b =>
        {
            var section = ElfFile.Parse(b, "Test.FLM").Section("PrgCode")!;
            int header = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(32)) + (40 * 1);
            BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(header + 16)).ShouldBe(section.Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(header + 20), 0x7FFFFFF0);
        })).Message.ShouldStartWith("Test.FLM: section 1 (offset 0x");
}
