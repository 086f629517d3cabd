using Imprint.Devices;
using Imprint.Devices.Cmsis;
using Imprint.Testing;
using Imprint.Tests.Devices.Cmsis;

namespace Imprint.Tests.Devices;

public sealed class DeviceCatalogImportTests
{
    [SharedDataFact]
    public async Task ImportAsync_SharedPdsc_WritesEveryDeviceAndTheFolderLoads()
    {
        using var temp = new TempDirectory();

        var result = await DeviceCatalog.ImportAsync(SharedTestData.Stm32F4Pdsc, null, temp.Path, CancellationToken.None);

        result.Devices.Count.ShouldBe(149);
        result.Files.Count.ShouldBe(149);
        Directory.GetFiles(temp.Path).Length.ShouldBe(149);
        result.MissingAlgorithms.Count.ShouldBe(18);
        result.Warnings.ShouldContain($"STM32F407VG from Keil.STM32F4xx_DFP.pdsc replaces the built-in device of that name wherever {temp.Path} is loaded.");
        var catalog = DeviceCatalog.Load(temp.Path);
        catalog.Devices.Count.ShouldBe(149 + 4);
        catalog.Get("STM32F407VG").Source.ShouldBe("Keil.STM32F4xx_DFP.pdsc");
        catalog.Get("STM32F429ZI").RegionAt(0x08000000).ShouldNotBeNull().Size.ShouldBe(2UL << 20);
        File.ReadAllText(Path.Combine(temp.Path, "STM32F401CB.yaml")).ShouldStartWith("# Imported by `imprint device import` from Keil.STM32F4xx_DFP.pdsc (Keil STM32F4xx_DFP).\n");
    }

    [Fact]
    public async Task ImportAsync_PackWithAlgorithm_StoresTheFlmBesideTheDevice()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        using var temp = new TempDirectory();
        string pack = TestPack.WriteArchive(temp.File("test.pack"), TestPack.Pdsc, new Dictionary<string, byte[]> { ["Flash/Test.FLM"] = algorithm.Bytes });
        string folder = temp.File("devices");

        var result = await DeviceCatalog.ImportAsync(pack, "test1mtx", folder, CancellationToken.None);

        result.Devices.Select(d => d.Name).ShouldBe(["TEST1M"]);
        result.Files.ShouldBe([Path.Combine(folder, "TEST1M.yaml"), Path.Combine(folder, "Test.FLM")]);
        result.MissingAlgorithms.ShouldBe(["Flash/Test_OPT.FLM"]);
        var catalog = DeviceCatalog.Load(folder);
        var device = catalog.Get("TEST1M");
        device.FlashMethod.ShouldBe(FlashMethod.Algorithm);
        var flm = await FlmReader.ReadFileAsync(catalog.GetAlgorithmPath(device), CancellationToken.None);
        flm.DeviceName.ShouldBe(TestFlashAlgorithm.DeviceName);
        catalog.GetAlgorithmPath(device, "Test.FLM").ShouldBe(Path.Combine(folder, "Test.FLM"));
    }

    [SharedDataFact]
    public async Task ImportAsync_Again_ReplacesTheFilesInPlace()
    {
        using var temp = new TempDirectory();
        await DeviceCatalog.ImportAsync(SharedTestData.Stm32F4Pdsc, "STM32F401CB", temp.Path, CancellationToken.None);

        await DeviceCatalog.ImportAsync(SharedTestData.Stm32F4Pdsc, "STM32F401CB", temp.Path, CancellationToken.None);

        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["STM32F401CB.yaml"]);
    }

    [SharedDataFact]
    public async Task ImportAsync_UnknownDevice_NamesThePack()
    {
        using var temp = new TempDirectory();

        var ex = await Should.ThrowAsync<DeviceException>(() => DeviceCatalog.ImportAsync(SharedTestData.Stm32F4Pdsc, "STM32F999", temp.Path, CancellationToken.None));

        ex.Message.ShouldBe("Keil.STM32F4xx_DFP.pdsc has no device or variant named 'STM32F999'.");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [SharedDataFact]
    public async Task ImportAsync_AnotherFileDescribesTheDevice_WritesNothing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("mine.yaml"), DeviceCatalogTests.Minimal("STM32F401CB"));

        var ex = await Should.ThrowAsync<DeviceException>(() => DeviceCatalog.ImportAsync(SharedTestData.Stm32F4Pdsc, "STM32F401CB", temp.Path, CancellationToken.None));

        ex.Message.ShouldBe($"mine.yaml in {temp.Path} already describes STM32F401CB; remove it before importing the device again.");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["mine.yaml"]);
    }
}
