using Imprint.Devices;
using Imprint.Images;
using Imprint.Projects;
using Imprint.Testing;

namespace Imprint.Tests.Projects;

/// <summary>Devices written by a flash algorithm: the image (and the bundle) carry the catalog's <c>.FLM</c>, built by arm-none-eabi-gcc.</summary>
public sealed class AlgorithmProjectTests : IDisposable
{
    private readonly ProjectFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<DeviceCatalog> CatalogWithAlgorithmDeviceAsync()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        string devices = _folder.File("devices");
        Directory.CreateDirectory(devices);
        var device = DeviceCatalog.BuiltIn.Get("STM32F407VG") with { Name = "ALGO407", FlashMethod = FlashMethod.Algorithm, Algorithm = "Test.FLM" };
        await File.WriteAllTextAsync(Path.Combine(devices, "algo407.yaml"), DeviceWriter.Write(device));
        File.Copy(algorithm.Path, Path.Combine(devices, "Test.FLM"));
        return DeviceCatalog.Load(devices);
    }

    [Fact]
    public async Task Resolve_DeviceWithCatalogAlgorithm_CarriesItAsASection()
    {
        var catalog = await CatalogWithAlgorithmDeviceAsync();
        _folder.Hex("app.hex", 0x08000000, ProjectFolder.Bytes(256));
        var project = _folder.Write("name: a\ndevice: ALGO407\nfirmware: [app.hex]\nscript: [erase, program]\n");

        var (_, sections) = await project.ResolveAsync(catalog);
        var section = sections.Single(s => s.Kind == SectionKind.Algorithm);
        section.Name.ShouldBe(Project.AlgorithmSectionName);
        section.Data.ToArray().ShouldBe((await TestFlashAlgorithm.GetAsync()).Bytes);
    }

    [Fact]
    public async Task Bundle_KeepsTheCatalogAlgorithm_SoTheImageRegeneratesWithoutTheCatalog()
    {
        var catalog = await CatalogWithAlgorithmDeviceAsync();
        _folder.Hex("app.hex", 0x08000000, ProjectFolder.Bytes(256));
        var project = _folder.Write("name: a\ndevice: ALGO407\nfirmware: [app.hex]\nscript: [erase, program]\n");
        var direct = await project.ResolveAsync(catalog);

        var manifest = await ObjectBundle.WriteAsync(project, catalog, _folder.File("a.impobj"));
        manifest.Files.Single(f => f.FromCatalog).ShouldBe(manifest.Files[1] with { Field = "algorithm", Path = "Test.FLM" });
        Directory.Delete(_folder.File("devices"), recursive: true);

        var fromBundle = await (await ObjectBundle.OpenAsync(_folder.File("a.impobj"))).ResolveAsync();
        ManifestJson.SerializeSpec(fromBundle.Spec).ShouldBe(ManifestJson.SerializeSpec(direct.Spec));
        fromBundle.Sections.Select(s => (s.Name, Convert.ToHexString(s.Data.Span))).ShouldBe(direct.Sections.Select(s => (s.Name, Convert.ToHexString(s.Data.Span))));
    }

    [Fact]
    public async Task Resolve_ProjectNamedAlgorithm_IsCarriedForAnyDevice()
    {
        var algorithm = await TestFlashAlgorithm.GetAsync();
        File.Copy(algorithm.Path, _folder.File("Chip.FLM"));
        _folder.Hex("app.hex", 0x08000000, ProjectFolder.Bytes(256));
        var project = _folder.Write("name: a\ndevice: STM32F407VG\nalgorithm: Chip.FLM\nfirmware: [app.hex]\nscript: [erase, program]\n");
        var (_, sections) = await project.ResolveAsync(DeviceCatalog.BuiltIn);
        sections.Single(s => s.Kind == SectionKind.Algorithm).Length.ShouldBe(algorithm.Bytes.Length);
    }
}
