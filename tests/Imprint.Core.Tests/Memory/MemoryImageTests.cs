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

    [Fact]
    public void Merge_InterleavedInputs_OneSegment_EachByteKeepsItsInputsName()
    {
        var a = new MemoryImage();
        var b = new MemoryImage();
        for (ulong i = 0; i < 2000; i++)
        {
            a.Add(i * 32, Pattern(i * 32, 16), "a.hex");
            b.Add((i * 32) + 16, Pattern((i * 32) + 16, 16), "b.hex");
        }

        a.Merge(b);

        a.SegmentCount.ShouldBe(1);
        a.Segments[0].Data.ToArray().ShouldBe(Pattern(0, 2000 * 32));
        a.SourceOf(32 * 1234).ShouldBe("a.hex");
        a.SourceOf((32 * 1234) + 16).ShouldBe("b.hex");
        a.Slice(40, 56).SourceOf(48).ShouldBe("b.hex");
        // A conflict names both inputs and leaves the image as it was (nothing half-merged).
        var c = new MemoryImage();
        c.Add(70000, Pattern(70000, 8), "c.hex");
        c.Add((32 * 1500) + 20, [(byte)~Pattern((32 * 1500) + 20, 1)[0]], "c.hex");
        Should.Throw<MemoryConflictException>(() => a.Merge(c)).Message
            .ShouldBe($"c.hex overlaps b.hex with different bytes at 0x{(32 * 1500) + 20:X8}-0x{(32 * 1500) + 20:X8}.");
        a.SegmentCount.ShouldBe(1);
        a.TotalBytes.ShouldBe(2000 * 32);
        a.SourceOf(70000).ShouldBeNull();
        c.SegmentCount.ShouldBe(2);
    }

    [Fact]
    public void RandomMerges_MatchAByteByByteModel_TheImageMergedIntoKeepsTheName()
    {
        var random = new Random(4321);
        for (int round = 0; round < 50; round++)
        {
            var into = new MemoryImage();
            var model = new SortedDictionary<ulong, string>();
            for (int part = 0; part < 4; part++)
            {
                var piece = new MemoryImage();
                var pieceModel = new Dictionary<ulong, string>();
                for (int n = 0; n < 25; n++)
                {
                    ulong start = (ulong)random.Next(0, 2048);
                    int length = random.Next(1, 48);
                    string source = $"p{part}-{random.Next(0, 3)}.hex";
                    piece.Add(start, Pattern(start, length), source);
                    for (ulong a = start; a < start + (ulong)length; a++) pieceModel.TryAdd(a, source);
                }

                into.Merge(piece);
                foreach (var (address, source) in pieceModel) model.TryAdd(address, source);
                piece.TotalBytes.ShouldBe(pieceModel.Count); // the merged-in image is unchanged
            }

            into.TotalBytes.ShouldBe(model.Count);
            into.Segments.Zip(into.Segments.Skip(1)).ShouldAllBe(p => p.First.Start + (ulong)p.First.Data.Length < p.Second.Start);
            foreach (var segment in into.Segments) segment.Data.ToArray().ShouldBe(Pattern(segment.Start, segment.Data.Length));
            for (ulong a = 0; a < 2100; a++) into.SourceOf(a).ShouldBe(model.GetValueOrDefault(a), $"round {round}, address {a}");
        }
    }

    [Fact]
    public void RandomAdds_MatchAByteByByteModel_FirstInputKeepsTheName()
    {
        // Bytes are a function of their address, so any overlap is equal bytes and accepted.
        var random = new Random(1234);
        for (int round = 0; round < 50; round++)
        {
            var image = new MemoryImage();
            var model = new SortedDictionary<ulong, string>();
            for (int n = 0; n < 60; n++)
            {
                ulong start = (ulong)random.Next(0, 2048);
                int length = random.Next(1, 64);
                string source = $"in{random.Next(0, 5)}.hex";
                image.Add(start, Pattern(start, length), source);
                for (ulong a = start; a < start + (ulong)length; a++) model.TryAdd(a, source);
            }

            image.TotalBytes.ShouldBe(model.Count);
            foreach (var segment in image.Segments)
            {
                segment.Data.ToArray().ShouldBe(Pattern(segment.Start, segment.Data.Length));
            }

            for (ulong a = 0; a < 2200; a++)
            {
                image.SourceOf(a).ShouldBe(model.GetValueOrDefault(a), $"round {round}, address {a}");
            }

            var slice = image.Slice(500, 1500);
            slice.TotalBytes.ShouldBe(model.Keys.Count(k => k is >= 500 and < 1500));
            foreach (var (address, source) in model.Where(kv => kv.Key is >= 500 and < 1500)) slice.SourceOf(address).ShouldBe(source);
        }
    }

    private static byte[] Pattern(ulong start, int length) =>
        Enumerable.Range(0, length).Select(i => (byte)(((start + (ulong)i) * 7) ^ ((start + (ulong)i) >> 8))).ToArray();
}
