using Imprint.Devices;
using Imprint.Formats;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Testing;

namespace Imprint.Tests.Projects;

/// <summary>The committed sample project (samples/projects/lm3s6965) with firmware built by the real arm-none-eabi-gcc.</summary>
public sealed class SampleProjectTests
{
    private static async Task<(Project Project, SampleFirmware Firmware, TempDirectory Dir)> LoadSampleAsync(string? firmwarePath = null)
    {
        var firmware = await SampleFirmware.GetAsync();
        var dir = new TempDirectory();
        string text = await File.ReadAllTextAsync(RepositoryRoot.Combine("samples", "projects", "lm3s6965", "imprint.yaml"));
        text = text.Replace("../../firmware/lm3s6965/build/firmware.elf", firmwarePath ?? firmware.ElfPath, StringComparison.Ordinal);
        await File.WriteAllTextAsync(dir.File("imprint.yaml"), text);
        return (ProjectReader.Load(dir.File("imprint.yaml")), firmware, dir);
    }

    [Fact]
    public async Task SampleProject_BuildsAnImageWhoseSpecAndFirmwareReadBack()
    {
        var (project, firmware, dir) = await LoadSampleAsync();
        using var _ = dir;
        var resolved = await project.ResolveAsync(DeviceCatalog.BuiltIn);
        using var key = SigningKey.Create();
        var build = new BuildInfo(DateTimeOffset.UnixEpoch, "imprint test", "tests");
        await ImageWriter.WriteAsync(new ImageContent(resolved.Spec, resolved.Sections, build), dir.File("sample.imp"), key);

        var image = await ImageReader.OpenAsync(dir.File("sample.imp"), new KeyRing());
        image.Spec.Name.ShouldBe("lm3s6965-sample");
        image.Spec.Device.Name.ShouldBe("LM3S6965");
        image.Spec.Serials.ShouldBe([new SerialDefinition("sn", "default", SampleFirmware.SerialAddress, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null)]);
        image.Spec.Script.Select(s => s.Kind).ShouldBe([StepKind.Erase, StepKind.Program, StepKind.Verify, StepKind.ProgramSerial, StepKind.ReadData, StepKind.Reset]);
        ManifestJson.SerializeSpec(image.Spec).ShouldBe(ManifestJson.SerializeSpec(resolved.Spec));

        // What the image programs is exactly what objcopy extracts from the ELF.
        var expected = FirmwareFile.Read(firmware.HexPath);
        image.Firmware.Segments.Select(s => (s.Start, Convert.ToHexString(s.Data.Span)))
            .ShouldBe(expected.Segments.Select(s => (s.Start, Convert.ToHexString(s.Data.Span))));
    }

    [Theory]
    [InlineData("hex")]
    [InlineData("srec")]
    public async Task SampleProject_GivesTheSameSectionsFromEveryFirmwareFormat(string extension)
    {
        var firmware = await SampleFirmware.GetAsync();
        var (fromElf, _, dirElf) = await LoadSampleAsync();
        var (fromOther, _, dirOther) = await LoadSampleAsync(Path.ChangeExtension(firmware.ElfPath, extension));
        using (dirElf)
        using (dirOther)
        {
            var a = await fromElf.ResolveAsync(DeviceCatalog.BuiltIn);
            var b = await fromOther.ResolveAsync(DeviceCatalog.BuiltIn);
            b.Sections.Select(s => (s.Name, Convert.ToHexString(s.Data.Span))).ShouldBe(a.Sections.Select(s => (s.Name, Convert.ToHexString(s.Data.Span))));
        }
    }

    [Fact]
    public async Task SampleProject_SerialSectorStaysFreeOfTheFirmware()
    {
        var (project, _, dir) = await LoadSampleAsync();
        using var _ = dir;
        var resolved = await project.ResolveAsync(DeviceCatalog.BuiltIn);
        resolved.Firmware.Intersects(SampleFirmware.SerialAddress, SampleFirmware.SerialAddress + 0x1000).ShouldBeFalse();
    }
}
