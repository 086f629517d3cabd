using System.Globalization;
using System.Xml.Linq;
using Imprint.Devices;
using Imprint.Devices.Cmsis;
using Imprint.Testing;

namespace Imprint.Tests.Devices.Cmsis;

public sealed class PackReaderTests
{
    private static readonly Lazy<Task<CmsisPack>> SharedPack = new(() => PackReader.ReadAsync(SharedTestData.Stm32F4Pdsc, CancellationToken.None));

    private static readonly Dictionary<string, ReadOnlyMemory<byte>> NoFiles = [];

    private static ulong Number(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : ulong.Parse(text, CultureInfo.InvariantCulture);

    // Reads the pdsc independently of the importer: every <memory> and <algorithm> a device
    // states or inherits from its family and sub-family.
    private static IEnumerable<(string Device, List<XElement> Memories, List<XElement> Algorithms)> StatedDevices()
    {
        var document = XDocument.Load(SharedTestData.Stm32F4Pdsc);
        foreach (var device in document.Descendants("device"))
        {
            var levels = device.AncestorsAndSelf().Reverse().ToList();
            var memories = new Dictionary<string, XElement>();
            foreach (var m in levels.SelectMany(l => l.Elements("memory"))) memories[(string?)m.Attribute("name") ?? (string)m.Attribute("id")!] = m;
            yield return ((string)device.Attribute("Dname")!, [.. memories.Values], [.. levels.SelectMany(l => l.Elements("algorithm"))]);
        }
    }

    [SharedDataFact]
    public async Task SharedPdsc_ImportsEveryOneOfIts149Devices()
    {
        var pack = await SharedPack.Value;

        pack.Devices.Count.ShouldBe(149);
        pack.Devices.Select(d => d.Name).ShouldBe(StatedDevices().Select(d => d.Device));
        (pack.Vendor, pack.Name, pack.FileName).ShouldBe(("Keil", "STM32F4xx_DFP", "Keil.STM32F4xx_DFP.pdsc"));
        pack.Devices.ShouldAllBe(d => d.Core == "Cortex-M4" && d.Vendor == "STMicroelectronics" && d.Source == "Keil.STM32F4xx_DFP.pdsc");
    }

    [SharedDataFact]
    public async Task SharedPdsc_EveryDeviceHasTheMemoryMapTheFileStates()
    {
        var pack = await SharedPack.Value;

        foreach (var (name, memories, algorithms) in StatedDevices())
        {
            var device = pack.Find(name).ShouldNotBeNull();
            foreach (var m in memories)
            {
                ulong start = Number((string)m.Attribute("start")!), size = Number((string)m.Attribute("size")!);
                string label = (string?)m.Attribute("name") ?? (string)m.Attribute("id")!;
                bool ram = ((string?)m.Attribute("access"))?.Contains('w') ?? label.StartsWith("IRAM", StringComparison.Ordinal);
                var region = device.Memory.SingleOrDefault(r => r.Start == start && r.Size == size).ShouldNotBeNull($"{name} {label}");
                (region.Name, region.Kind).ShouldBe((label, ram ? MemoryKind.Ram : MemoryKind.Flash), $"{name} {label}");
            }

            foreach (var a in algorithms)
            {
                ulong start = Number((string)a.Attribute("start")!), size = Number((string)a.Attribute("size")!);
                device.Memory.ShouldContain(r => r.Start <= start && start + size <= r.End, $"{name} {(string)a.Attribute("name")!}");
            }

            device.Memory.Count.ShouldBe(memories.Count + algorithms.Select(a => (string)a.Attribute("start")!).Distinct().Count(s => !memories.Any(m => Number((string)m.Attribute("start")!) == Number(s))), name);
        }
    }

    [SharedDataFact]
    public async Task SharedPdsc_Stm32f407vg_SpotCheck()
    {
        var device = (await SharedPack.Value).Find("STM32F407VG").ShouldNotBeNull();

        device.Memory.Select(r => (r.Name, r.Kind, r.Start, r.Size)).ShouldBe(
        [
            ("Flash", MemoryKind.Flash, 0x08000000UL, 0x100000UL),
            ("SRAM2", MemoryKind.Ram, 0x10000000UL, 0x10000UL),
            ("STM32F4xx_OTP", MemoryKind.Otp, 0x1FFF7800UL, 0x210UL),
            ("STM32F40xxx_41xxx_OPT", MemoryKind.OptionBytes, 0x1FFFC000UL, 0x4UL),
            ("SRAM1", MemoryKind.Ram, 0x20000000UL, 0x20000UL),
        ]);
        device.Voltage.ShouldBe(new VoltageRange(1.8, 3.6));
        device.FlashMethod.ShouldBe(FlashMethod.DebugServer);
        device.Memory[0].Sectors.ShouldBeEmpty();
    }

    [SharedDataFact]
    public async Task SharedPdsc_DeprecatedIdsAndExternalFlash_SpotCheck()
    {
        var pack = await SharedPack.Value;

        pack.Find("STM32F439NI").ShouldNotBeNull().Memory.Where(r => r.Name.StartsWith('I')).Select(r => (r.Name, r.Kind, r.Start, r.Size)).ShouldBe(
        [
            ("IROM1", MemoryKind.Flash, 0x08000000UL, 0x200000UL),
            ("IRAM2", MemoryKind.Ram, 0x10000000UL, 0x10000UL),
            ("IRAM1", MemoryKind.Ram, 0x20000000UL, 0x30000UL),
        ]);
        var qspi = pack.Find("STM32F469AE").ShouldNotBeNull().RegionAt(0x90000000).ShouldNotBeNull();
        (qspi.Name, qspi.Kind, qspi.Size).ShouldBe(("STM32F469_Quad_SPI", MemoryKind.Flash, 0x2000000UL));
        pack.Find("stm32f401ccux").ShouldNotBeNull().Name.ShouldBe("STM32F401CC"); // a variant finds its device
    }

    [SharedDataFact]
    public async Task SharedPdsc_ReportsEveryMissingAlgorithmOnce()
    {
        var pack = await SharedPack.Value;
        var stated = XDocument.Load(SharedTestData.Stm32F4Pdsc).Descendants("algorithm").Select(a => (string)a.Attribute("name")!).Distinct().Order();

        pack.MissingAlgorithms.Order().ShouldBe(stated);
        pack.MissingAlgorithms.Count.ShouldBe(18); // including STM32F4xx_1024dual.FLM, an alternative no region uses
        pack.Algorithms.ShouldBeEmpty();
        pack.Warnings.ShouldContain(w => w.StartsWith("algorithm file CMSIS/Flash/STM32F4xx_1024.FLM (named by 53 devices, for example ", StringComparison.Ordinal)
            && w.EndsWith(") was not found; the regions it programs were imported from the pdsc alone, without a sector layout.", StringComparison.Ordinal));
    }

    [SharedDataFact]
    public async Task SharedPdsc_EveryImportedDeviceWritesAndReadsBack()
    {
        foreach (var device in (await SharedPack.Value).Devices)
        {
            DeviceReader.Read(DeviceWriter.Write(device), device.Name + ".yaml").Memory.Count.ShouldBe(device.Memory.Count);
        }
    }

    [Fact]
    public async Task PackArchive_WithAlgorithm_TakesSectorsFromTheFlm()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        using var temp = new TempDirectory();
        string path = TestPack.WriteArchive(temp.File("Acme.Test_DFP.1.0.0.pack"), TestPack.Pdsc, new Dictionary<string, byte[]> { ["Flash/Test.FLM"] = algorithm.Bytes });

        var pack = await PackReader.ReadAsync(path, CancellationToken.None);

        var device = pack.Find("TEST1M").ShouldNotBeNull();
        (device.FlashMethod, device.Algorithm, device.Core, device.Vendor).ShouldBe((FlashMethod.Algorithm, "Test.FLM", "Cortex-M4", "Acme"));
        (device.DefaultInterface, device.DefaultClockKhz, device.Voltage).ShouldBe((DebugInterface.Jtag, 2000, new VoltageRange(2.0, 3.3)));
        var flash = device.RegionAt(0x08000000).ShouldNotBeNull();
        (flash.PageSize, flash.ErasedValue, flash.Algorithm).ShouldBe((1024u, (byte)0xFF, "Test.FLM"));
        flash.SectorAt(0x08010000).ShouldBe((0x08010000UL, 0x10000UL));
        flash.SectorsCovering(flash.Start, flash.End).Count().ShouldBe(12);
        device.RegionAt(0x20000000).ShouldNotBeNull().Name.ShouldBe("SRAM"); // inherited from the family
        var options = device.RegionAt(0x1FFFC000).ShouldNotBeNull();
        (options.Name, options.Kind, options.Sectors.Count, options.Algorithm).ShouldBe(("Test_OPT", MemoryKind.OptionBytes, 0, (string?)null));
        pack.MissingAlgorithms.ShouldBe(["Flash/Test_OPT.FLM"]);
        pack.Algorithms.Single().Content.ToArray().ShouldBe(algorithm.Bytes);
        pack.Find("TEST1MTx").ShouldBeSameAs(device);
    }

    [Fact]
    public async Task PackArchive_SmallerRegion_ClipsTheAlgorithmsSectors()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        var pack = PackReader.Read(TestPack.Pdsc, "t.pdsc", new Dictionary<string, ReadOnlyMemory<byte>> { ["Flash/Test.FLM"] = algorithm.Bytes });

        var flash = pack.Find("TEST512K").ShouldNotBeNull().RegionAt(0x08000000).ShouldNotBeNull();
        flash.Sectors.ShouldBe([new SectorRun(0, 0x4000), new SectorRun(0x10000, 0x10000), new SectorRun(0x20000, 0x20000)]);
        flash.SectorsCovering(flash.Start, flash.End).Count().ShouldBe(8);
    }

    [Fact]
    public async Task PackArchive_RegionStraddlingASector_KeepsNoLayoutAndSaysWhy()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        var pack = PackReader.Read(TestPack.Pdsc, "t.pdsc", new Dictionary<string, ReadOnlyMemory<byte>> { ["Flash/Test.FLM"] = algorithm.Bytes });

        var device = pack.Find("TESTODD").ShouldNotBeNull();
        device.RegionAt(0x08002000).ShouldNotBeNull().Sectors.ShouldBeEmpty();
        device.RegionAt(0x20000000).ShouldNotBeNull().Size.ShouldBe(0x1000UL); // the device's own SRAM replaces the family's
        pack.Warnings.ShouldContain("TESTODD: the sectors of Test.FLM do not fit region Flash (0x08002000, 32 KiB): a 0x4000-byte sector straddles the region's bounds near 0x08002000; the region has no sector layout.");
    }

    [Fact]
    public async Task PdscOnDisk_FindsAlgorithmsBesideItRegardlessOfCase()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("flash"));
        File.WriteAllBytes(Path.Combine(temp.Path, "flash", "TEST.flm"), algorithm.Bytes);
        File.WriteAllText(temp.File("Acme.Test_DFP.pdsc"), TestPack.Pdsc);

        var pack = await PackReader.ReadAsync(temp.File("Acme.Test_DFP.pdsc"), CancellationToken.None);

        pack.Find("TEST1M").ShouldNotBeNull().FlashMethod.ShouldBe(FlashMethod.Algorithm);
        pack.MissingAlgorithms.ShouldBe(["Flash/Test_OPT.FLM"]);
    }

    [Fact]
    public void Read_AlgorithmPathLeavingThePack_CountsAsMissing()
    {
        var pack = PackReader.Read(TestPack.Pdsc.Replace("Flash/Test_OPT.FLM", "../../etc/Test_OPT.FLM", StringComparison.Ordinal), "t.pdsc", NoFiles);

        pack.MissingAlgorithms.ShouldContain("../../etc/Test_OPT.FLM");
    }

    [Theory]
    [InlineData("<vendor>Acme</vendor>", "<vendor>Acme</vendr>", "t.pdsc line 3: malformed XML: The 'vendor' start tag on line 3 position 4 does not match the end tag of 'vendr'. Line 3, position 17.")]
    [InlineData("<package schemaVersion=\"1.7.36\">", "<!DOCTYPE package [<!ENTITY x \"y\">]><package>", "t.pdsc: malformed XML: For security reasons DTD is prohibited in this XML document. To enable DTD processing set the DtdProcessing property on XmlReaderSettings to Parse and pass the settings into XmlReader.Create method.")]
    [InlineData("start=\"0x08000000\" size=\"0x80000\" default=\"1\" startup=\"1\"", "start=\"0x0800_0000\" size=\"0x80000\" default=\"1\" startup=\"1\"", "t.pdsc line 21: memory Flash has a start that is not a number ('0x0800_0000').")]
    [InlineData("start=\"0x08000000\" size=\"0x80000\" default=\"1\" startup=\"1\"", "start=\"0x08000000\" default=\"1\" startup=\"1\"", "t.pdsc line 21: memory Flash has no size attribute.")]
    [InlineData("<algorithm name=\"Flash\\test.flm\"", "<algorithm", "t.pdsc line 22: an <algorithm> has no name attribute.")]
    [InlineData("<device Dname=\"TEST512K\">", "<device>", "t.pdsc line 20: a <device> has no Dname attribute.")]
    [InlineData("<device Dname=\"TEST512K\">", "<device Dname=\"TEST1M\">", "t.pdsc line 20: device TEST1M is described twice.")]
    [InlineData("<memory name=\"SRAM\" access", "<memory access", "t.pdsc line 10: a <memory> has neither a name nor an id attribute.")]
    public void Read_MalformedPdsc_NamesTheLine(string from, string to, string message)
    {
        TestPack.Pdsc.ShouldContain(from);
        Should.Throw<DeviceException>(() => PackReader.Read(TestPack.Pdsc.Replace(from, to, StringComparison.Ordinal), "t.pdsc", NoFiles)).Message.ShouldBe(message);
    }

    [Fact]
    public void Read_NotAPackDescription_SaysWhatItIs() =>
        Should.Throw<DeviceException>(() => PackReader.Read("<html><body/></html>", "page.pdsc", NoFiles))
            .Message.ShouldBe("page.pdsc is not a CMSIS pack description: its root element is <html>, not <package>.");

    [Fact]
    public void Read_NoDevices_IsReported() =>
        Should.Throw<DeviceException>(() => PackReader.Read("<package><vendor>A</vendor><devices/></package>", "empty.pdsc", NoFiles))
            .Message.ShouldBe("empty.pdsc describes no devices (no <device> element under <devices>).");

    [Fact]
    public async Task ReadAsync_ArchiveWithoutPdsc_IsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.File("x.pack");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create)) zip.CreateEntry("readme.txt");

        (await Should.ThrowAsync<DeviceException>(() => PackReader.ReadAsync(path, CancellationToken.None))).Message.ShouldBe("x.pack holds no .pdsc pack description.");
    }

    [Fact]
    public async Task ReadAsync_DamagedArchive_IsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.File("x.pack");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0]);

        (await Should.ThrowAsync<DeviceException>(() => PackReader.ReadAsync(path, CancellationToken.None))).Message.ShouldStartWith("x.pack is not a readable pack archive: ");
    }

    [Fact]
    public async Task ReadAsync_MissingFile_SaysSo()
    {
        using var temp = new TempDirectory();
        string path = temp.File("none.pdsc");

        (await Should.ThrowAsync<DeviceException>(() => PackReader.ReadAsync(path, CancellationToken.None))).Message.ShouldBe($"{path} was not found.");
    }
}
