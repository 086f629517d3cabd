using Imprint.Memory;

namespace Imprint.Tests.Memory;

public sealed class MemoryImageTests
{
    [Fact]
    public void Add_AdjacentData_MergesIntoOneSegment()
    {
        var image = new MemoryImage();
        image.Add(0x100, [1, 2, 3, 4]);
        image.Add(0x104, [5, 6]);
        image.Add(0xFC, [9, 9, 9, 9]);

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Start.ShouldBe(0xFCUL);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 9, 9, 9, 9, 1, 2, 3, 4, 5, 6 });
    }

    [Fact]
    public void Add_OutOfOrder_KeepsSegmentsSorted()
    {
        var image = new MemoryImage();
        image.Add(0x3000, [3]);
        image.Add(0x1000, [1]);
        image.Add(0x2000, [2]);

        image.Segments.Select(s => s.Start).ShouldBe(new ulong[] { 0x1000, 0x2000, 0x3000 });
        image.TotalBytes.ShouldBe(3);
    }

    [Fact]
    public void Add_OverlapWithEqualBytes_IsAccepted()
    {
        var image = new MemoryImage();
        image.Add(0x10, [1, 2, 3, 4], "a.hex");
        image.Add(0x12, [3, 4, 5], "b.hex");

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Data.ToArray().ShouldBe(new byte[] { 1, 2, 3, 4, 5 });
    }

    [Fact]
    public void Add_OverlapWithDifferentBytes_NamesBothFilesAndRange()
    {
        var image = new MemoryImage();
        image.Add(0x08000000, [1, 2, 3, 4], "app.hex");

        var ex = Should.Throw<MemoryConflictException>(() => image.Add(0x08000002, [9, 9, 5], "boot.srec"));

        ex.Message.ShouldBe("boot.srec overlaps app.hex with different bytes at 0x08000002-0x08000003.");
        image.TotalBytes.ShouldBe(4); // nothing half-applied
    }

    [Fact]
    public void Merge_ConflictBetweenImages_NamesOriginalInputs()
    {
        var a = new MemoryImage();
        a.Add(0x0, [1, 1], "a.bin");
        var b = new MemoryImage();
        b.Add(0x1, [2], "b.bin");

        var ex = Should.Throw<MemoryConflictException>(() => a.Merge(b));
        ex.FirstSource.ShouldBe("a.bin");
        ex.SecondSource.ShouldBe("b.bin");
    }

    [Fact]
    public void Add_PastFourGiB_IsRefused()
    {
        var image = new MemoryImage();
        var ex = Should.Throw<ImprintException>(() => image.Add(0xFFFF_FFFE, [1, 2, 3], "big.hex"));
        ex.Message.ShouldContain("0xFFFFFFFE");
        ex.Message.ShouldContain("4 GiB");
    }

    [Fact]
    public void ToFlatArray_FillsGaps()
    {
        var image = new MemoryImage();
        image.Add(0x10, [1]);
        image.Add(0x13, [2]);

        image.ToFlatArray(0xEE).ShouldBe(new byte[] { 1, 0xEE, 0xEE, 2 });
    }

    [Fact]
    public void Slice_ClipsToRange()
    {
        var image = new MemoryImage();
        image.Add(0x0, [0, 1, 2, 3, 4, 5, 6, 7]);

        var slice = image.Slice(2, 5);
        slice.Segments.Single().Start.ShouldBe(2UL);
        slice.Segments.Single().Data.ToArray().ShouldBe(new byte[] { 2, 3, 4 });
    }

    [Fact]
    public void TryRead_AcrossGap_ReturnsFalse()
    {
        var image = new MemoryImage();
        image.Add(0x0, [1, 2]);
        image.Add(0x4, [3]);
        var buffer = new byte[2];

        image.TryRead(0, buffer).ShouldBeTrue();
        image.TryRead(1, buffer).ShouldBeFalse();
    }

    [Fact]
    public void Add_ManySequentialRecords_StaysOneSegment()
    {
        var image = new MemoryImage();
        var record = new byte[16];
        for (int i = 0; i < 100_000; i++) image.Add((ulong)i * 16, record);

        image.SegmentCount.ShouldBe(1);
        image.TotalBytes.ShouldBe(1_600_000);
    }
}
