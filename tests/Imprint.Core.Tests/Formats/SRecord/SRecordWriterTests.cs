using System.Text;
using Imprint.Formats;
using Imprint.Formats.SRecord;
using Imprint.Memory;
using Imprint.Testing;
using static Imprint.Tests.Formats.SRecord.SRecText;

namespace Imprint.Tests.Formats.SRecord;

public sealed class SRecordWriterTests
{
    [Fact]
    public void Write_Below64KiB_S1RecordsS5CountS9Entry()
    {
        var image = new MemoryImage { EntryPoint = 0x1234 };
        image.Add(0x1000, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());

        var lines = Write(image, new FirmwareWriteOptions { SRecordHeader = "HDR" });

        lines.ShouldBe(new[]
        {
            Record(0, 0, "HDR"u8.ToArray()),
            Record(1, 0x1000, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()),
            Record(1, 0x1010, 16, 17, 18, 19),
            Record(5, 2),
            Record(9, 0x1234),
        });
    }

    [Theory]
    [InlineData(0xFFFFUL, 0UL, 1, 9)]
    [InlineData(0x10000UL, 0UL, 2, 8)]
    [InlineData(0xFFFFFFUL, 0UL, 2, 8)]
    [InlineData(0x1000000UL, 0UL, 3, 7)]
    [InlineData(0x100UL, 0x08000000UL, 3, 7)]
    public void Write_RecordTypeFollowsHighestAddressAndEntry(ulong lastByte, ulong entry, int dataType, int terminationType)
    {
        var image = new MemoryImage { EntryPoint = entry };
        image.Add(lastByte, [0xAB]);

        var lines = Write(image);

        lines[1].ShouldStartWith($"S{dataType}");
        lines[^1].ShouldStartWith($"S{terminationType}");
    }

    [Fact]
    public void Write_MoreThan65535Records_UsesS6Count()
    {
        var image = new MemoryImage();
        image.Add(0x20000, new byte[70_000]);

        var lines = Write(image, new FirmwareWriteOptions { BytesPerRecord = 1 });

        lines[^2].ShouldBe(Record(6, 70_000));
    }

    [Fact]
    public void Write_NoEntryPoint_TerminatesWithZero()
    {
        var image = new MemoryImage();
        image.Add(0, [1]);

        Write(image)[^1].ShouldBe(Record(9, 0));
    }

    [Fact]
    public void Write_ToPath_HeaderIsTheFileName()
    {
        using var dir = new TempDirectory();
        var image = new MemoryImage();
        image.Add(0, [1]);

        FirmwareFile.Write(image, dir.File("app.s19"), FirmwareFormat.SRecord);

        System.IO.File.ReadAllLines(dir.File("app.s19"))[0].ShouldBe(Record(0, 0, "app.s19"u8.ToArray()));
    }

    [Theory]
    [InlineData(11, 16)]
    [InlineData(12, 250)]
    [InlineData(13, 3)]
    public async Task Write_RandomSparseImage_SrecCmpAgreesWithReference(int seed, int bytesPerRecord)
    {
        using var dir = new TempDirectory();
        var image = TestImages.RandomSparse(seed, withEntryPoint: false);
        FirmwareFile.Write(image, dir.File("ours.srec"), FirmwareFormat.SRecord, new FirmwareWriteOptions { BytesPerRecord = bytesPerRecord });
        var reference = await TestImages.ReferenceBySrecCatAsync(image, dir);

        var same = await ExternalTool.RunAsync("srec_cmp", [dir.File("ours.srec"), "-motorola", reference, "-motorola"]);

        same.ExitCode.ShouldBe(0, same.StdErr);
    }

    [Fact]
    public async Task Write_S6File_SrecCatAcceptsCountAndData()
    {
        using var dir = new TempDirectory();
        var image = new MemoryImage { EntryPoint = 0x20000 };
        image.Add(0x20000, Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray());
        FirmwareFile.Write(image, dir.File("ours.srec"), FirmwareFormat.SRecord, new FirmwareWriteOptions { BytesPerRecord = 1 });

        await ExternalTool.RunCheckedAsync("srec_cat", [dir.File("ours.srec"), "-motorola", "-offset", "-0x20000", "-o", dir.File("back.bin"), "-binary"]);

        (await System.IO.File.ReadAllBytesAsync(dir.File("back.bin"))).ShouldBe(image.Segments[0].Data.ToArray());
    }

    private static string[] Write(MemoryImage image, FirmwareWriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        SRecordWriter.Write(image, stream, options);
        return Encoding.ASCII.GetString(stream.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }
}
