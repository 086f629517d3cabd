using Imprint.Devices;
using Imprint.Targets.Gdb.Internal;
using Imprint.Tests.Support;

namespace Imprint.Tests.Gdb.Internal;

public sealed class MemoryMapTests
{
    [Fact]
    public void Parse_OpenOcdStyleMap()
    {
        var map = MemoryMap.Parse(TestDevices.ServerFlashMap);
        map.HasFlash.ShouldBeTrue();
        map.Regions.Count.ShouldBe(3);
        map.Regions[1].ShouldBe(new MemoryMapRegion(MemoryKind.Flash, 0x08000000, 0x10000, 0x800));
        map.RegionAt(0x0800FFFF)!.Kind.ShouldBe(MemoryKind.Flash);
        map.RegionAt(0x08010000)!.Kind.ShouldBe(MemoryKind.Ram);
    }

    [Fact]
    public void Parse_DecimalNumbers_RomAndMissingBlockSize()
    {
        var map = MemoryMap.Parse("""<memory-map><memory type="rom" start="4096" length="16"/><memory type="flash" start="0" length="4096"/></memory-map>""");
        map.Regions[0].ShouldBe(new MemoryMapRegion(MemoryKind.Flash, 0, 4096, 0));
        map.Regions[1].Kind.ShouldBe(MemoryKind.Rom);
    }

    [Theory]
    [InlineData("<memory-map><memory type=\"eeprom\" start=\"0\" length=\"1\"/></memory-map>", "The server's memory map has a <memory> element of unknown type 'eeprom'.")]
    [InlineData("<memory-map><memory type=\"flash\" start=\"0x0\" length=\"0x10\"><property name=\"blocksize\">big</property></memory></memory-map>", "The server's memory map has an invalid blocksize 'big' for the flash at 0x00000000.")]
    [InlineData("<memory-map><memory type=\"ram\" start=\"0xZZ\" length=\"1\"/></memory-map>", "The server's memory map has a <memory> element without a valid start or length.")]
    [InlineData("<map/>", "The server's memory map has no <memory-map> root element.")]
    public void Parse_Invalid_NamesTheProblem(string xml, string message) =>
        Should.Throw<InvalidDataException>(() => MemoryMap.Parse(xml)).Message.ShouldBe(message);

    [Fact]
    public void Parse_NotXml_Throws() =>
        Should.Throw<InvalidDataException>(() => MemoryMap.Parse("<memory-map")).Message.ShouldStartWith("The server sent a malformed memory map:");
}
