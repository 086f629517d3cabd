using Imprint.Formats;
using Imprint.Formats.Elf;
using Imprint.Testing;

namespace Imprint.Tests.Formats.Elf;

public sealed class ElfReaderTests
{
    private static readonly byte[] Code = Enumerable.Range(0, 0x40).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Init = [0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4];

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Read_EveryClassAndByteOrder_LoadsAtPhysicalAddresses(bool is64, bool bigEndian)
    {
        var elf = new ElfBuilder(is64, bigEndian) { Entry = 0x08000041 }
            .Load(0x08000000, 0x08000000, Code)
            .Load(0x20000000, 0x08000040, Init, memorySize: 0x100)
            .Build();

        var image = ElfReader.Read(elf, "app.elf");

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0x08000000UL);
        image.Segments[0].Data.ToArray().ShouldBe(Code.Concat(Init).ToArray());
        image.EntryPoint.ShouldBe(0x08000041UL);
    }

    [Fact]
    public void Read_EveryPhysicalAddressZeroWithSeveralSegments_UsesVirtualAddresses()
    {
        var elf = new ElfBuilder().Load(0x1000, 0, Code).Load(0x3000, 0, Init).Build();

        var image = ElfReader.Read(elf, "app.elf");

        image.Segments.Select(s => s.Start).ShouldBe(new ulong[] { 0x1000, 0x3000 });
    }

    [Fact]
    public void Read_SingleSegmentAtPhysicalZero_UsesPhysicalAddress()
    {
        var elf = new ElfBuilder().Load(0x1000, 0, Code).Build();

        ElfReader.Read(elf, "app.elf").Segments[0].Start.ShouldBe(0UL);
    }

    [Fact]
    public void Read_MemorySizeBeyondFileSize_LoadsOnlyFileBytes()
    {
        var elf = new ElfBuilder().Load(0x20000000, 0x400, Init, memorySize: 0x1000).Build();

        var image = ElfReader.Read(elf, "app.elf");

        image.TotalBytes.ShouldBe(Init.Length);
    }

    [Fact]
    public void Read_NoBitsSectionInsideFileBytes_IsNotLoaded()
    {
        var elf = new ElfBuilder().Load(0x100, 0x100, Code).NoBits(0x110, 0x10).Build();

        var image = ElfReader.Read(elf, "app.elf");

        image.Segments.Select(s => (s.Start, s.Length)).ShouldBe(new[] { (0x100UL, 0x10), (0x120UL, 0x20) });
        image.Segments[1].Data.ToArray().ShouldBe(Code[0x20..]);
    }

    [Fact]
    public void Read_ThreadLocalNoBits_DoesNotCutTheSegment()
    {
        var elf = new ElfBuilder().Load(0x100, 0x100, Code).NoBits(0x110, 0x10, ElfBuilder.ShfAlloc | ElfBuilder.ShfTls).Build();

        ElfReader.Read(elf, "app.elf").TotalBytes.ShouldBe(Code.Length);
    }

    [Fact]
    public void Read_NonLoadSegments_AreIgnored()
    {
        var builder = new ElfBuilder().Load(0x100, 0x100, Code);
        builder.Segments.Add(new ElfBuilder.Segment(ElfBuilder.PtNote, 0x9000, 0x9000, Init, (ulong)Init.Length));

        ElfReader.Read(builder.Build(), "app.elf").Segments.Count.ShouldBe(1);
    }

    [Fact]
    public void Read_ExtendedProgramHeaderCount_FollowsSectionZero()
    {
        // e_phnum 0xFFFF (PN_XNUM) means: the count is sh_info of section header 0.
        var builder = new ElfBuilder().Load(0x100, 0x100, Code).NoBits(0x1000, 4);
        var elf = builder.Build();
        builder.Put16(elf, 44, 0xFFFF);
        int shoff = BitConverter.ToInt32(elf, 32);
        builder.Put32(elf, shoff + 28, 1);

        ElfReader.Read(elf, "app.elf").TotalBytes.ShouldBe(Code.Length);
    }

    [Fact]
    public void Read_Empty_SaysEmpty() =>
        AssertError([], "app.elf: the file is empty.", offset: null);

    [Fact]
    public void Read_NoMagic_SaysNotElf() =>
        AssertError(Corpus.Ascii(":00000001FF\n"), "app.elf: the file does not start with the ELF magic bytes 7F 45 4C 46.", offset: null);

    [Fact]
    public void Read_TruncatedIdentification_ReportsLength() =>
        AssertError(new ElfBuilder().Load(0, 0, Code).Build()[..10], "app.elf: the file ends after 10 bytes, inside the ELF identification.", offset: null);

    [Fact]
    public void Read_TruncatedHeader_ReportsLength() =>
        AssertError(new ElfBuilder().Load(0, 0, Code).Build()[..40], "app.elf: the file ends after 40 bytes, inside the ELF32 header (52 bytes).", offset: null);

    [Fact]
    public void Read_BadClass_ReportsValue() =>
        AssertError(Patch(new ElfBuilder().Load(0, 0, Code).Build(), 4, 3), "app.elf offset 0x4: EI_CLASS is 3; expected 1 (ELF32) or 2 (ELF64).", offset: 4);

    [Fact]
    public void Read_BadByteOrder_ReportsValue() =>
        AssertError(Patch(new ElfBuilder().Load(0, 0, Code).Build(), 5, 0), "app.elf offset 0x5: EI_DATA is 0; expected 1 (little-endian) or 2 (big-endian).", offset: 5);

    [Fact]
    public void Read_BadVersion_ReportsValue() =>
        AssertError(Patch(new ElfBuilder().Load(0, 0, Code).Build(), 6, 2), "app.elf offset 0x6: EI_VERSION is 2; expected 1.", offset: 6);

    [Fact]
    public void Read_WrongProgramHeaderSize_ReportsValue() =>
        AssertError(Patch(new ElfBuilder().Load(0, 0, Code).Build(), 42, 40), "app.elf offset 0x2A: e_phentsize is 40; ELF32 program headers are 32 bytes.", offset: 42);

    [Fact]
    public void Read_ProgramHeaderTableBeyondEnd_ReportsTable()
    {
        var builder = new ElfBuilder().Load(0, 0, Code);
        var elf = builder.Build();
        builder.Put32(elf, 28, 0x1000);

        AssertError(elf, $"app.elf offset 0x1000: the program header table (1 entries of 32 bytes) extends beyond the end of the file (0x{elf.Length:X} bytes).", offset: 0x1000);
    }

    [Fact]
    public void Read_SegmentBeyondFileEnd_ReportsSegmentAndSizes()
    {
        var builder = new ElfBuilder().Load(0, 0, Code);
        var elf = builder.Build();
        builder.Put32(elf, 52 + 16, 0x1000); // p_filesz
        builder.Put32(elf, 52 + 20, 0x1000); // p_memsz

        AssertError(elf, $"app.elf offset 0x34: PT_LOAD segment 0 holds 0x1000 bytes at file offset 0x{builder.SegmentOffsets[0]:X}, beyond the end of the file (0x{elf.Length:X} bytes).", offset: 0x34);
    }

    [Fact]
    public void Read_FileSizeLargerThanMemorySize_Refused()
    {
        var builder = new ElfBuilder().Load(0, 0, Code);
        var elf = builder.Build();
        builder.Put32(elf, 52 + 20, 0x10);

        AssertError(elf, "app.elf offset 0x34: PT_LOAD segment 0 has p_filesz 0x40 larger than its p_memsz 0x10.", offset: 0x34);
    }

    [Fact]
    public void Read_SegmentPast4GiB_ReportsAddress() =>
        AssertError(new ElfBuilder().Load(0xFFFFFFF0, 0xFFFFFFF0, Code).Build(),
            "app.elf offset 0x34: PT_LOAD segment 0 at 0xFFFFFFF0 with 0x40 bytes extends past the 4 GiB address space.", offset: 0x34);

    [Fact]
    public void Read_Elf64SegmentAbove4GiB_ReportsAddress() =>
        AssertError(new ElfBuilder(is64: true).Load(0x1_0000_0000, 0x1_0000_0000, Code).Build(),
            "app.elf offset 0x40: PT_LOAD segment 0 at 0x100000000 with 0x40 bytes extends past the 4 GiB address space.", offset: 0x40);

    [Fact]
    public void Read_EntryPointAbove4GiB_Refused() =>
        AssertError(new ElfBuilder(is64: true) { Entry = 0x1_0000_0000 }.Load(0, 0, Code).Build(),
            "app.elf offset 0x18: the entry point 0x100000000 is beyond the 32-bit address space.", offset: 0x18);

    [Fact]
    public void Read_NoProgramHeaders_SaysNothingLoadable() =>
        AssertError(new ElfBuilder().Build(), "app.elf: the ELF file has no program headers, so nothing is loadable.", offset: null);

    [Fact]
    public void Read_OnlyBssSegment_SaysNothingLoadable() =>
        AssertError(new ElfBuilder().Load(0x20000000, 0x20000000, [], memorySize: 0x100).Build(),
            "app.elf: the ELF file has no loadable (PT_LOAD) segment with file data.", offset: null);

    [Fact]
    public void Read_SectionTableBeyondEnd_ReportsTable()
    {
        var builder = new ElfBuilder().Load(0, 0, Code).NoBits(0x1000, 4);
        var elf = builder.Build();
        builder.Put32(elf, 32, 0x8000);

        AssertError(elf, $"app.elf offset 0x8000: the section header table (1 entries of 40 bytes) extends beyond the end of the file (0x{elf.Length:X} bytes).", offset: 0x8000);
    }

    // Real peers: what gcc links and objcopy extracts.
    [Fact]
    public async Task Read_SampleFirmware_EqualsObjcopyBinary()
    {
        var sample = await SampleFirmware.GetAsync();

        var image = FirmwareFile.Read(sample.ElfPath);

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0UL);
        image.Segments[0].Data.ToArray().ShouldBe(await File.ReadAllBytesAsync(sample.BinPath));
        image.EntryPoint.ShouldNotBeNull();
    }

    [Fact]
    public async Task Read_BigEndianBuild_EqualsObjcopyBinary()
    {
        using var dir = new TempDirectory();
        var elf = await BuildBigEndianSampleAsync(dir);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "binary", elf, dir.File("be.bin")]);

        var image = FirmwareFile.Read(elf);

        (await File.ReadAllBytesAsync(elf))[5].ShouldBe(ElfConstants.DataBigEndian);
        image.Segments[0].Data.ToArray().ShouldBe(await File.ReadAllBytesAsync(dir.File("be.bin")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_Elf64FromHostObjcopy_EqualsObjcopyBinary(bool bigEndian)
    {
        // The host's GNU objcopy rewrites the ARM ELF32 as ELF64 of the same byte order, segments unchanged.
        using var dir = new TempDirectory();
        string source = bigEndian ? await BuildBigEndianSampleAsync(dir) : (await SampleFirmware.GetAsync()).ElfPath;
        await ExternalTool.RunCheckedAsync("objcopy", [
            "-I", bigEndian ? "elf32-big" : "elf32-little", "-O", bigEndian ? "elf64-big" : "elf64-little", source, dir.File("64.elf")]);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "binary", source, dir.File("expected.bin")]);

        var image = FirmwareFile.Read(dir.File("64.elf"));

        (await File.ReadAllBytesAsync(dir.File("64.elf")))[4].ShouldBe(ElfConstants.Class64);
        image.Segments[0].Data.ToArray().ShouldBe(await File.ReadAllBytesAsync(dir.File("expected.bin")));
    }

    private static async Task<string> BuildBigEndianSampleAsync(TempDirectory dir)
    {
        var src = SampleFirmware.SourceDirectory;
        var elf = dir.File("be.elf");
        await ExternalTool.RunCheckedAsync("arm-none-eabi-gcc", [
            "-mcpu=cortex-m3", "-mthumb", "-mbig-endian", "-O2", "-ffreestanding", "-nostdlib", "-nostartfiles",
            "-T", Path.Combine(src, "lm3s6965.ld"), "-o", elf, Path.Combine(src, "startup.c"), Path.Combine(src, "main.c")]);
        return elf;
    }

    private static byte[] Patch(byte[] elf, int offset, byte value)
    {
        elf[offset] = value;
        return elf;
    }

    private static void AssertError(byte[] content, string message, long? offset)
    {
        var ex = Should.Throw<FirmwareFormatException>(() => ElfReader.Read(content, "app.elf"));

        ex.Message.ShouldBe(message);
        ex.Offset.ShouldBe(offset);
    }
}
