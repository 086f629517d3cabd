using Imprint.Devices;
using Imprint.Testing;

namespace Imprint.Tests.Devices;

public sealed class DeviceCatalogTests
{
    private static DeviceCatalog Catalog => DeviceCatalog.BuiltIn;

    [Fact]
    public void BuiltIn_HasTheFiveCatalogDevices()
    {
        Catalog.Devices.Select(d => d.Name).ShouldBe(["LM3S6965", "MPS2-AN385", "NRF52832", "STM32F030F4", "STM32F407VG"]);
        Catalog.Devices.ShouldAllBe(d => d.Source == "built-in");
    }

    [Fact]
    public void Lm3s6965_IsDescribedAsQemuModelsIt()
    {
        var device = Catalog.Get("LM3S6965");

        device.Core.ShouldBe("Cortex-M3");
        device.FlashMethod.ShouldBe(FlashMethod.MemoryWrites);
        device.UniqueId.ShouldBeNull();
        device.IdRegisters.ShouldBe([new DeviceRegister("DID0", 0x400FE000, 4), new DeviceRegister("DID1", 0x400FE004, 4)]);
        var flash = device.FlashRegions.Single();
        (flash.Start, flash.Size, flash.ErasedValue, flash.RequiresErase).ShouldBe((0UL, 256UL * 1024, (byte)0x00, false));
        flash.SectorAt(0x3FFFF).ShouldBe((0x3FC00UL, 1024UL));
        flash.SectorsCovering(0, 256 * 1024).Count().ShouldBe(256);
        var sram = device.RegionAt(0x20000000).ShouldNotBeNull();
        (sram.Kind, sram.Size).ShouldBe((MemoryKind.Ram, 64UL * 1024));
        device.RegionAt(0x20010000).ShouldBeNull();
    }

    [Fact]
    public void Mps2An385_HasQemusMemoryMap()
    {
        var device = Catalog.Get("MPS2-AN385");

        device.Core.ShouldBe("Cortex-M3");
        device.FlashMethod.ShouldBe(FlashMethod.MemoryWrites);
        device.Memory.Select(r => (r.Name, r.Kind, r.Start, r.Size)).ShouldBe(
        [
            ("ssram1", MemoryKind.Flash, 0x00000000UL, 0x400000UL),
            ("blockram", MemoryKind.Ram, 0x01000000UL, 0x4000UL),
            ("ssram23", MemoryKind.Ram, 0x20000000UL, 0x400000UL),
            ("psram", MemoryKind.Ram, 0x21000000UL, 0x1000000UL),
        ]);
        device.FlashRegions.Single().RequiresErase.ShouldBeFalse();
        device.IdRegisters.ShouldContain(new DeviceRegister("SCC_ID", 0x4002FFFC, 4));
    }

    [Fact]
    public void Stm32f407vg_HasVaryingSectorsAndItsIdentifiers()
    {
        var device = Catalog.Get("STM32F407VG");
        var flash = device.RegionAt(0x08000000).ShouldNotBeNull();

        flash.Size.ShouldBe(1024UL * 1024);
        flash.SectorAt(0x08000000).ShouldBe((0x08000000UL, 16UL * 1024));
        flash.SectorAt(0x0800FFFF).ShouldBe((0x0800C000UL, 16UL * 1024));
        flash.SectorAt(0x08010000).ShouldBe((0x08010000UL, 64UL * 1024));
        flash.SectorAt(0x08020000).ShouldBe((0x08020000UL, 128UL * 1024));
        flash.SectorAt(0x080FFFFF).ShouldBe((0x080E0000UL, 128UL * 1024));
        flash.SectorsCovering(flash.Start, flash.End).Count().ShouldBe(12);
        flash.ErasedValue.ShouldBe((byte)0xFF);
        device.Memory.Where(r => r.Kind == MemoryKind.Ram).Sum(r => (long)r.Size).ShouldBe(192 * 1024);
        device.RegionAt(0x10000000).ShouldNotBeNull().Size.ShouldBe(64UL * 1024);
        device.UniqueId.ShouldBe(new UniqueIdLocation(0x1FFF7A10, 12));
        var options = device.RegionAt(0x1FFFC000).ShouldNotBeNull();
        (options.Kind, options.Size).ShouldBe((MemoryKind.OptionBytes, 16UL));
        var otp = device.RegionAt(0x1FFF7800).ShouldNotBeNull();
        (otp.Kind, otp.Size, otp.RequiresErase).ShouldBe((MemoryKind.Otp, 528UL, false));
        device.Core.ShouldBe("Cortex-M4");
    }

    [Fact]
    public void Nrf52832_HasPagesUicrAndDeviceId()
    {
        var device = Catalog.Get("NRF52832");
        var flash = device.RegionAt(0).ShouldNotBeNull();

        (flash.Size, flash.ProgramGranularity, flash.ErasedValue).ShouldBe((512UL * 1024, 4u, (byte)0xFF));
        flash.SectorAt(0x7FFFF).ShouldBe((0x7F000UL, 4096UL));
        device.RegionAt(0x20000000).ShouldNotBeNull().Size.ShouldBe(64UL * 1024);
        var uicr = device.RegionAt(0x10001000).ShouldNotBeNull();
        (uicr.Kind, uicr.Size).ShouldBe((MemoryKind.OptionBytes, 4096UL));
        device.UniqueId.ShouldBe(new UniqueIdLocation(0x10000060, 8));
        device.Core.ShouldBe("Cortex-M4");
    }

    [Fact]
    public void Stm32f030f4_HasSmallPagesAndHalfWordProgramming()
    {
        var device = Catalog.Get("STM32F030F4");
        var flash = device.RegionAt(0x08000000).ShouldNotBeNull();

        (flash.Size, flash.ProgramGranularity).ShouldBe((16UL * 1024, 2u));
        flash.SectorsCovering(0x08000000, 0x08004000).Count().ShouldBe(16);
        device.RegionAt(0x20000000).ShouldNotBeNull().Size.ShouldBe(4096UL);
        device.UniqueId.ShouldBe(new UniqueIdLocation(0x1FFFF7AC, 12));
        device.Core.ShouldBe("Cortex-M0");
    }

    [Fact]
    public void BuiltIn_EveryDeviceKeepsItsRegionsSortedAndDisjoint()
    {
        foreach (var device in Catalog.Devices)
        {
            device.Memory.Select(r => r.Start).ShouldBeInOrder(SortDirection.Ascending);
            for (int i = 1; i < device.Memory.Count; i++) device.Memory[i].Start.ShouldBeGreaterThanOrEqualTo(device.Memory[i - 1].End, device.Name);
        }
    }

    [Fact]
    public void Find_IsCaseInsensitive()
    {
        Catalog.Find("stm32f407vg").ShouldNotBeNull().Name.ShouldBe("STM32F407VG");
        Catalog.Find("nope").ShouldBeNull();
    }

    [Fact]
    public void Get_UnknownDevice_SaysHowToListTheCatalog()
    {
        var ex = Should.Throw<DeviceException>(() => Catalog.Get("STM32F999"));
        ex.Message.ShouldBe("unknown device 'STM32F999'; run `imprint device list` to see the catalog.");
    }

    [Fact]
    public void Load_MissingFolder_GivesTheBuiltIns()
    {
        using var temp = new TempDirectory();
        DeviceCatalog.Load(temp.File("none")).Devices.Count.ShouldBe(Catalog.Devices.Count);
    }

    [Fact]
    public void Load_UserDevice_IsAddedAndCanReplaceABuiltIn()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("mine.yaml"), Minimal("MYCHIP"));
        File.WriteAllText(temp.File("f4.yaml"), Minimal("STM32F407VG"));
        File.WriteAllText(temp.File("notes.txt"), "not a device");

        var catalog = DeviceCatalog.Load(temp.Path);

        catalog.Get("mychip").Source.ShouldBe("mine.yaml");
        catalog.Get("STM32F407VG").Source.ShouldBe("f4.yaml");
        catalog.Devices.Count.ShouldBe(Catalog.Devices.Count + 1);
    }

    [Fact]
    public void Load_TwoFilesForOneDevice_NamesBoth()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("a.yaml"), Minimal("TWIN"));
        File.WriteAllText(temp.File("b.yaml"), Minimal("TWIN"));

        var ex = Should.Throw<DeviceException>(() => DeviceCatalog.Load(temp.Path));
        ex.Message.ShouldBe($"b.yaml: device 'TWIN' is also described by a.yaml in {temp.Path}.");
    }

    [Fact]
    public void Load_MalformedUserFile_NamesTheFileAndField()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("bad.yaml"), Minimal("BAD").Replace("size: 64K", "size: lots"));

        var ex = Should.Throw<DeviceException>(() => DeviceCatalog.Load(temp.Path));
        ex.Message.ShouldBe("bad.yaml: memory[0].size must be a number (decimal, 0x hex, or a size such as 16K), not 'lots'.");
    }

    [Fact]
    public void Load_AlgorithmFileMissing_IsReported()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("algo.yaml"), Minimal("ALGO") + "flash-method: algorithm\nalgorithm: Chip.FLM\n");

        var ex = Should.Throw<DeviceException>(() => DeviceCatalog.Load(temp.Path));
        ex.Message.ShouldBe($"algo.yaml: algorithm file 'Chip.FLM' was not found beside it in {temp.Path}.");
    }

    [Fact]
    public void GetAlgorithmPath_UserDevice_PointsBesideItsFile()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("algo.yaml"), Minimal("ALGO") + "flash-method: algorithm\nalgorithm: Chip.FLM\n");
        File.WriteAllBytes(temp.File("Chip.FLM"), [1]);
        var catalog = DeviceCatalog.Load(temp.Path);

        catalog.GetAlgorithmPath(catalog.Get("ALGO")).ShouldBe(Path.Combine(temp.Path, "Chip.FLM"));
        Should.Throw<DeviceException>(() => catalog.GetAlgorithmPath(catalog.Get("LM3S6965")))
            .Message.ShouldBe("device 'LM3S6965' has no flash algorithm.");
    }

    [Fact]
    public void DefaultUserDirectory_FollowsImprintHome()
    {
        string? saved = Environment.GetEnvironmentVariable("IMPRINT_HOME");
        try
        {
            Environment.SetEnvironmentVariable("IMPRINT_HOME", "/srv/imprint");
            DeviceCatalog.DefaultUserDirectory.ShouldBe(Path.Combine("/srv/imprint", "devices"));
            Environment.SetEnvironmentVariable("IMPRINT_HOME", null);
            DeviceCatalog.DefaultUserDirectory.ShouldBe(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "imprint", "devices"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("IMPRINT_HOME", saved);
        }
    }

    internal static string Minimal(string name) => $$"""
        name: {{name}}
        memory:
          - name: flash
            kind: flash
            start: 0x0
            size: 64K
            sectors:
              - { size: 1K }

        """;
}
