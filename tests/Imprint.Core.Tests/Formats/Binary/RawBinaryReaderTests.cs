using Imprint.Formats;
using Imprint.Formats.Binary;

namespace Imprint.Tests.Formats.Binary;

public sealed class RawBinaryReaderTests
{
    [Fact]
    public void Read_AtBaseAddress_OneSegment()
    {
        var image = RawBinaryReader.Read([1, 2, 3], "app.bin", 0x08000000);

        image.Segments[0].Start.ShouldBe(0x08000000UL);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 1, 2, 3 });
        image.EntryPoint.ShouldBeNull();
    }

    [Fact]
    public void Read_StreamLargerThanOneChunk_SameAsSpan()
    {
        var content = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7)).ToArray();
        using var stream = new MemoryStream(content);

        var image = RawBinaryReader.Read(stream, "app.bin", 0x1000);

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Data.ToArray().ShouldBe(content);
    }

    [Fact]
    public void Read_Empty_SaysEmpty() =>
        Should.Throw<FirmwareFormatException>(() => RawBinaryReader.Read([], "app.bin")).Message.ShouldBe("app.bin: the file is empty.");

    [Fact]
    public void Read_PastFourGiB_ReportsBaseAndLength() =>
        Should.Throw<FirmwareFormatException>(() => RawBinaryReader.Read(new byte[32], "app.bin", 0xFFFFFFF0)).Message
            .ShouldBe("app.bin: 32 bytes at base address 0xFFFFFFF0 extend past the 4 GiB address space.");
}
