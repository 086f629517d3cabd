using Imprint.Formats;
using Imprint.Formats.Internal;

namespace Imprint.Tests.Formats.Internal;

public sealed class SegmentCollectorTests
{
    [Fact]
    public void Add_AscendingContiguousBeyondRunCapacity_OneSegment()
    {
        var collector = new SegmentCollector("a");
        var data = Enumerable.Range(0, 1_000_000).Select(i => (byte)(i * 3)).ToArray();
        for (int i = 0; i < data.Length; i += 1000) collector.Add(0x1000 + (ulong)i, data.AsSpan(i, 1000));

        var image = collector.ToImage(null);

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Data.ToArray().ShouldBe(data);
    }

    [Fact]
    public void Add_OverlapWithEqualBytesOutOfOrder_Accepted()
    {
        var collector = new SegmentCollector("a");
        collector.Add(0x10, [1, 2, 3, 4]);
        collector.Add(0x00, new byte[0x10]);
        collector.Add(0x12, [3, 4, 5]);

        var image = collector.ToImage(7);

        image.SegmentCount.ShouldBe(1);
        image.Segments[0].Length.ShouldBe(0x15);
        image.EntryPoint.ShouldBe(7UL);
    }

    [Fact]
    public void Add_OverlapWithDifferentBytes_ReportsRange()
    {
        var collector = new SegmentCollector("a.hex");
        collector.Add(0x10, [1, 2, 3, 4]);
        collector.Add(0x20, [1]);
        collector.Add(0x11, [2, 9, 9]);

        Should.Throw<FirmwareFormatException>(() => collector.ToImage(null)).Message
            .ShouldBe("a.hex: two records place different bytes at 0x00000012-0x00000013.");
    }
}
