using Imprint.Devices;
using Imprint.Projects;

namespace Imprint.Tests.Projects;

public sealed class ProjectTemplateTests
{
    public static TheoryData<string> BuiltInDevices => [.. DeviceCatalog.BuiltIn.Devices.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(BuiltInDevices))]
    public async Task Create_ForEveryBuiltInDevice_ResolvesWithFirmwareAtTheStartOfFlash(string deviceName)
    {
        var device = DeviceCatalog.BuiltIn.Get(deviceName);
        using var folder = new ProjectFolder();
        var flash = device.Memory.First(r => r.Kind == MemoryKind.Flash);
        folder.Hex("firmware.hex", flash.Start, ProjectFolder.Bytes(512));
        var project = folder.Write(ProjectTemplate.Create(device, "starter", "firmware.hex"));

        var (spec, sections) = await project.ResolveAsync(DeviceCatalog.BuiltIn);
        spec.Device.Name.ShouldBe(deviceName);
        spec.Script.Select(s => s.Kind).ShouldBe([StepKind.Erase, StepKind.Program, StepKind.Verify, StepKind.ProgramSerial, StepKind.ReadData, StepKind.Reset]);
        spec.Script[4].Address.ShouldNotBeNull();
        spec.Serials.Single().Address.ShouldBeGreaterThan(flash.Start + 512);
        sections.Count.ShouldBe(1);
    }

    [Fact]
    public void Create_ForTheLm3s6965_PutsTheSerialWhereTheSampleFirmwareReadsIt()
    {
        var project = ProjectReader.Parse(ProjectTemplate.Create(DeviceCatalog.BuiltIn.Get("LM3S6965"), "sample", "fw.elf"), "/p/imprint.yaml");
        project.Serials.ShouldBe([new SerialDefinition("sn", "default", 0x0003F000, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null)]);
        project.DynamicSlots.ShouldBe([new DynamicSlot("mac", 0x0003F100, 6)]);
        project.Firmware.ShouldBe([new FirmwareInput("fw.elf")]);
        project.Script.Select(s => s.Step.Kind).ShouldBe([StepKind.Erase, StepKind.Program, StepKind.Verify, StepKind.ProgramSerial, StepKind.ReadData, StepKind.Reset]);
    }

    [Fact]
    public void Create_NameWithYamlSyntax_StaysText() =>
        ProjectReader.Parse(ProjectTemplate.Create(DeviceCatalog.BuiltIn.Get("NRF52832"), "a: b # \"c\"", "x.hex"), "/p/imprint.yaml").Name.ShouldBe("a: b # \"c\"");
}
