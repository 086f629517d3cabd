using Imprint.Formats;
using Imprint.Memory;
using Imprint.Testing;

namespace Imprint.Tests.Formats;

public sealed class FirmwareFileTests
{
    [Theory]
    [InlineData(":10000000", "x.bin", FirmwareFormat.IntelHex)]
    [InlineData("\r\n  :020000040800F2", "x", FirmwareFormat.IntelHex)]
    [InlineData("S00600004844521B", "x.hex", FirmwareFormat.SRecord)]
    [InlineData("\x7f" + "ELF\x01\x01\x01", "x.hex", FirmwareFormat.Elf)]
    [InlineData("\x00\x20\x00\x20", "x.bin", FirmwareFormat.Binary)]
    [InlineData("\x00\x20\x00\x20", "x", FirmwareFormat.Binary)]
    [InlineData("garbage", "x.hex", FirmwareFormat.IntelHex)]
    [InlineData("garbage", "x.s19", FirmwareFormat.SRecord)]
    [InlineData("garbage", "x.axf", FirmwareFormat.Elf)]
    [InlineData("", "x.bin", FirmwareFormat.Binary)]
    public void Detect_ContentFirstThenExtensionThenBinary(string content, string name, FirmwareFormat expected) =>
        FirmwareFile.Detect(System.Text.Encoding.Latin1.GetBytes(content), name).ShouldBe(expected);

    [Fact]
    public async Task Read_EverySampleOutput_SameImage()
    {
        var sample = await SampleFirmware.GetAsync();
        var fromElf = FirmwareFile.Read(sample.ElfPath);

        FirmwareFile.Read(sample.HexPath).ShouldHaveSameBytes(fromElf);
        FirmwareFile.Read(sample.SRecPath).ShouldHaveSameBytes(fromElf);
        FirmwareFile.Read(sample.BinPath).ShouldHaveSameBytes(fromElf);
        FirmwareFile.Read(sample.HexPath).EntryPoint.ShouldBe(fromElf.EntryPoint);
        FirmwareFile.Read(sample.SRecPath).EntryPoint.ShouldBe(fromElf.EntryPoint);
    }

    [Fact]
    public void Read_Path_ErrorNamesThePathAsGiven()
    {
        var path = Corpus.PathOf("IntelHex/bad-checksum.hex");

        Should.Throw<FirmwareFormatException>(() => FirmwareFile.Read(path)).Message.ShouldStartWith(path + " line 3: ");
    }

    [Fact]
    public void Read_BinaryWithBase_PlacedAtBase()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("a.bin"), [1, 2, 3]);

        FirmwareFile.Read(dir.File("a.bin"), binaryBaseAddress: 0x08000000).LowestAddress.ShouldBe(0x08000000UL);
    }

    [Fact]
    public void Read_ForcedFormat_OverridesDetection()
    {
        var ex = Should.Throw<FirmwareFormatException>(() => FirmwareFile.Read(Corpus.Bytes("IntelHex/valid.hex"), "a.srec", FirmwareFormat.SRecord));

        ex.Message.ShouldBe("a.srec line 1: expected 'S' at the start of a record but found ':'.");
    }

    [Fact]
    public void Write_ReplacesExistingFileAndLeavesNoTempFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("out.hex"), "old");
        var image = new MemoryImage();
        image.Add(0, [1, 2, 3]);

        FirmwareFile.Write(image, dir.File("out.hex"), FirmwareFormat.IntelHex);

        File.ReadAllText(dir.File("out.hex")).ShouldStartWith(":03000000010203");
        Directory.GetFiles(dir.Path).Length.ShouldBe(1);
    }

    [Fact]
    public void Write_Failure_KeepsOldFileAndLeavesNoTempFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("out.hex"), "old");
        var image = new MemoryImage { EntryPoint = 0x1_0000_0000 };
        image.Add(0, [1, 2, 3]);

        Should.Throw<ImprintException>(() => FirmwareFile.Write(image, dir.File("out.hex"), FirmwareFormat.IntelHex));

        File.ReadAllText(dir.File("out.hex")).ShouldBe("old");
        Directory.GetFiles(dir.Path).Length.ShouldBe(1);
    }

    [Fact]
    public void Write_Elf_NotSupported() =>
        Should.Throw<NotSupportedException>(() => FirmwareFile.ToBytes(new MemoryImage(), FirmwareFormat.Elf));

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    public void RoundTrip_RandomSparseImage_EveryWriterAndReader(int seed)
    {
        var image = TestImages.RandomSparse(seed);

        foreach (var format in new[] { FirmwareFormat.IntelHex, FirmwareFormat.SRecord })
        {
            var back = FirmwareFile.Read(FirmwareFile.ToBytes(image, format), $"round.{format}");
            back.ShouldHaveSameBytes(image);
            back.EntryPoint.ShouldBe(image.EntryPoint);
        }

        // Raw binary keeps neither the base address nor the gaps: read it back at the lowest address.
        var flat = FirmwareFile.ToBytes(image.Slice(0x08000000, 0x08100000), FirmwareFormat.Binary, new FirmwareWriteOptions { Fill = 0 });
        FirmwareFile.Read(flat, "round.bin", FirmwareFormat.Binary, 0x08000000 + (ulong)Array.FindIndex(flat, _ => true))
            .Segments[0].Data.ToArray().ShouldBe(image.Slice(0x08000000, 0x08100000).ToFlatArray(0));
    }

    [Theory]
    [InlineData(31, "-intel", "-motorola")]
    [InlineData(32, "-motorola", "-intel")]
    [InlineData(33, "-intel", "-intel")]
    public async Task RoundTrip_ThroughSrecCat_SameBytes(int seed, string ourFormat, string theirFormat)
    {
        // Imprint writes, srec_cat reads and rewrites, Imprint reads srec_cat's file.
        using var dir = new TempDirectory();
        var image = TestImages.RandomSparse(seed, withEntryPoint: false);
        var ours = dir.File("ours" + (ourFormat == "-intel" ? ".hex" : ".srec"));
        FirmwareFile.Write(image, ours, ourFormat == "-intel" ? FirmwareFormat.IntelHex : FirmwareFormat.SRecord);
        var theirs = dir.File("theirs" + (theirFormat == "-intel" ? ".hex" : ".srec"));

        await ExternalTool.RunCheckedAsync("srec_cat", [ours, ourFormat, "-o", theirs, theirFormat]);

        FirmwareFile.Read(theirs).ShouldHaveSameBytes(image);
    }
}
