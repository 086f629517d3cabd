using Imprint.Targets.Gdb.Internal;

namespace Imprint.Tests.Gdb.Internal;

public sealed class RangeSetTests
{
    [Fact]
    public void Add_MergesOverlappingAndAdjacent()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(20, 30);
        set.Ranges.ShouldBe([(10UL, 40UL)]);
        set.Contains(15, 35).ShouldBeTrue();
        set.Contains(5, 15).ShouldBeFalse();
    }

    [Fact]
    public void Remove_SplitsARange()
    {
        var set = new RangeSet();
        set.Add(0, 100);
        set.Remove(40, 60);
        set.Ranges.ShouldBe([(0UL, 40UL), (60UL, 100UL)]);
        set.Contains(30, 50).ShouldBeFalse();
        set.Contains(60, 100).ShouldBeTrue();
        set.Contains(70, 70).ShouldBeTrue();
    }
}
