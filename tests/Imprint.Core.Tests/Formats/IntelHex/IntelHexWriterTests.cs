using System.Text;
using Imprint.Formats;
using Imprint.Formats.IntelHex;
using Imprint.Memory;
using Imprint.Testing;

namespace Imprint.Tests.Formats.IntelHex;

public sealed class IntelHexWriterTests
{
    [Fact]
    public void Write_SmallImage_ExactRecords()
    {
        var image = new MemoryImage { EntryPoint = 0x45 };
        image.Add(0x100, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());

        var text = Write(image, new FirmwareWriteOptions { LineEnding = FirmwareLineEnding.Lf });

        text.ShouldBe(string.Join('\n',
            HexText.Data(0x100, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()),
            HexText.Data(0x110, 16, 17, 18, 19),
            ":0400000300000045B4",
            ":00000001FF") + "\n");
    }

    [Fact]
    public void Write_CrossingA64KiBBoundary_SplitsRecordAndAddsExtendedLinearAddress()
    {
        var image = new MemoryImage();
        image.Add(0x0800FFF8, new byte[16]);

        var lines = Write(image).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        lines.ShouldBe(new[]
        {
            HexText.Linear(0x0800),
            HexText.Data(0xFFF8, new byte[8]),
            HexText.Linear(0x0801),
            HexText.Data(0x0000, new byte[8]),
            HexText.EndOfFile,
        });
    }

    [Fact]
    public void Write_EntryAbove1MiB_UsesStartLinearAddress()
    {
        var image = new MemoryImage { EntryPoint = 0x08000131 };
        image.Add(0x08000000, [1]);

        Write(image).ShouldContain(":0400000508000131BD\r\n");
    }

    [Fact]
    public void Write_BytesPerRecord_Honoured()
    {
        var image = new MemoryImage();
        image.Add(0, new byte[100]);

        var lines = Write(image, new FirmwareWriteOptions { BytesPerRecord = 32 }).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        lines.Length.ShouldBe(5);
        lines[0].ShouldStartWith(":20000000");
        lines[3].ShouldStartWith(":04006000");
    }

    [Fact]
    public void Write_BytesPerRecordOutOfRange_Throws() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Write(new MemoryImage(), new FirmwareWriteOptions { BytesPerRecord = 256 }));

    [Fact]
    public void Write_EntryPointBeyond32Bits_Refused()
    {
        var image = new MemoryImage { EntryPoint = 0x1_0000_0000 };

        Should.Throw<ImprintException>(() => Write(image)).Message
            .ShouldBe("the entry point 0x100000000 does not fit in an Intel HEX start address record (32 bits).");
    }

    [Fact]
    public async Task Write_SampleElf_SameTextAsObjcopy()
    {
        // One ELF section per segment: objcopy and Imprint then lay the records out identically.
        var sample = await SampleFirmware.GetAsync();
        using var dir = new TempDirectory();
        var image = FirmwareFile.Read(sample.ElfPath);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "ihex", "--only-section=.text", sample.ElfPath, dir.File("text.hex")]);
        var textOnly = image.Slice(0, image.Segments[0].Start + (ulong)await TextSectionSizeAsync(sample.ElfPath));

        Write(textOnly).ShouldBe(await File.ReadAllTextAsync(dir.File("text.hex")));
    }

    [Fact]
    public async Task Write_SegmentsAcross64KiBAnd1MiB_SameTextAsObjcopy()
    {
        using var dir = new TempDirectory();
        var data = Enumerable.Range(0, 300).Select(i => (byte)(i * 13)).ToArray();
        await File.WriteAllBytesAsync(dir.File("in.bin"), data);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", [
            "-I", "binary", "-O", "ihex", "--change-addresses", "0x0800FF77", dir.File("in.bin"), dir.File("objcopy.hex")]);
        // --change-addresses moves the start address too, so objcopy writes a type 05 record.
        var image = new MemoryImage { EntryPoint = 0x0800FF77 };
        image.Add(0x0800FF77, data);

        Write(image).ShouldBe(await File.ReadAllTextAsync(dir.File("objcopy.hex")));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 32)]
    [InlineData(3, 255)]
    [InlineData(4, 1)]
    public async Task Write_RandomSparseImage_SrecCmpAgreesWithReference(int seed, int bytesPerRecord)
    {
        using var dir = new TempDirectory();
        var image = TestImages.RandomSparse(seed, withEntryPoint: false);
        FirmwareFile.Write(image, dir.File("ours.hex"), FirmwareFormat.IntelHex, new FirmwareWriteOptions { BytesPerRecord = bytesPerRecord });
        var reference = await TestImages.ReferenceBySrecCatAsync(image, dir);

        var same = await ExternalTool.RunAsync("srec_cmp", [dir.File("ours.hex"), "-intel", reference, "-motorola"]);

        same.ExitCode.ShouldBe(0, same.StdErr);
    }

    [Fact]
    public async Task Write_OneByteChanged_SrecCmpNoticesIt()
    {
        // The check above can fail: a file that differs in one byte is refused.
        using var dir = new TempDirectory();
        var image = TestImages.RandomSparse(5, withEntryPoint: false);
        var reference = await TestImages.ReferenceBySrecCatAsync(image, dir);
        var first = image.Segments[0];
        var copy = first.Data.ToArray();
        copy[copy.Length / 2] ^= 1;
        var changed = new MemoryImage();
        foreach (var s in image.Segments) changed.Add(s.Start, s.Start == first.Start ? copy : s.Data.Span);
        FirmwareFile.Write(changed, dir.File("ours.hex"), FirmwareFormat.IntelHex);

        var same = await ExternalTool.RunAsync("srec_cmp", [dir.File("ours.hex"), "-intel", reference, "-motorola"]);

        same.ExitCode.ShouldNotBe(0);
    }

    private static string Write(MemoryImage image, FirmwareWriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        IntelHexWriter.Write(image, stream, options);
        return Encoding.ASCII.GetString(stream.ToArray());
    }

    private static async Task<int> TextSectionSizeAsync(string elf)
    {
        var result = await ExternalTool.RunCheckedAsync("arm-none-eabi-size", ["-A", elf]);
        var line = result.StdOut.Split('\n').First(l => l.StartsWith(".text", StringComparison.Ordinal));
        return int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
