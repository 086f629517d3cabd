using System.Text;
using System.Text.Json;
using Imprint.Images;
using Imprint.Projects;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

public sealed class ManifestJsonTests
{
    [Theory]
    [InlineData(ImageType.Sap)]
    [InlineData(ImageType.Job)]
    public void SerializeSpec_RoundTripsEveryFieldExactly(ImageType type)
    {
        var spec = ImageSamples.Spec(type);

        var json = ManifestJson.SerializeSpec(spec);
        var back = ManifestJson.DeserializeSpec(json, "spec.json");

        ManifestJson.SerializeSpec(back).ShouldBe(json);
        back.Device.Memory.Select(r => r with { Sectors = [] }).ShouldBe(spec.Device.Memory.Select(r => r with { Sectors = [] }));
        back.Device.Memory[0].Sectors.ShouldBe(spec.Device.Memory[0].Sectors);
        back.Device.UniqueId.ShouldBe(spec.Device.UniqueId);
        back.Device.IdRegisters.ShouldBe(spec.Device.IdRegisters);
        back.Device.Voltage.ShouldBe(spec.Device.Voltage);
        (back.Device with { Memory = [], IdRegisters = [] }).ShouldBe(spec.Device with { Memory = [], IdRegisters = [] });
        back.Script.Select(s => s with { Data = null }).ShouldBe(spec.Script.Select(s => s with { Data = null }));
        back.Script[8].Data.ShouldBe(spec.Script[8].Data);
        back.Serials.ShouldBe(spec.Serials);
        back.DynamicSlots.ShouldBe(spec.DynamicSlots);
        back.Restrictions.ShouldBe(spec.Restrictions);
        back.Binding.ShouldBe(spec.Binding);
        back.Power.ShouldBe(spec.Power);
        (back with { Device = spec.Device, Script = spec.Script, Serials = spec.Serials, DynamicSlots = spec.DynamicSlots })
            .ShouldBe(spec);
    }

    [Fact]
    public void SerializeSpec_UsesCamelCaseStringEnumsAndLeavesOutComputedProperties()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.SerializeSpec(ImageSamples.Spec()));

        json.ShouldContain("\"type\":\"sap\"");
        json.ShouldContain("\"kind\":\"programSerial\"");
        json.ShouldContain("\"encoding\":\"asciiDecimal\"");
        json.ShouldContain("\"flashMethod\":\"algorithm\"");
        json.ShouldContain("\"binding\":null");
        json.ShouldNotContain("flashRegions");
        json.ShouldNotContain("\"end\"");
    }

    [Fact]
    public void DeserializeSpec_UnknownMember_NamesIt()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.SerializeSpec(ImageSamples.Spec())).Replace("\"description\"", "\"colour\":1,\"description\"", StringComparison.Ordinal);

        var ex = Should.Throw<ImageException>(() => ManifestJson.DeserializeSpec(Encoding.UTF8.GetBytes(json), "spec.json"));

        ex.Message.ShouldStartWith("spec.json: the programming spec is not valid at $.colour:");
    }

    [Fact]
    public void DeserializeSpec_DuplicateMember_IsRejected()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.SerializeSpec(ImageSamples.Spec())).Insert(1, "\"name\":\"other\",");

        var ex = Should.Throw<ImageException>(() => ManifestJson.DeserializeSpec(Encoding.UTF8.GetBytes(json), "spec.json"));

        ex.Message.ShouldContain("Duplicate");
    }

    [Fact]
    public void DeserializeSpec_NullForARequiredMember_IsRejected()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.SerializeSpec(ImageSamples.Spec())).Replace("\"name\":\"widget\"", "\"name\":null", StringComparison.Ordinal);

        var ex = Should.Throw<ImageException>(() => ManifestJson.DeserializeSpec(Encoding.UTF8.GetBytes(json), "spec.json"));

        ex.Message.ShouldStartWith("spec.json: the programming spec is not valid at $.name:");
    }

    [Fact]
    public void DeserializeSpec_IntegerForAnEnum_IsRejected()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.SerializeSpec(ImageSamples.Spec())).Replace("\"type\":\"sap\"", "\"type\":1", StringComparison.Ordinal);

        Should.Throw<ImageException>(() => ManifestJson.DeserializeSpec(Encoding.UTF8.GetBytes(json), "spec.json"))
            .Message.ShouldStartWith("spec.json: the programming spec is not valid at $.type:");
    }

    [Fact]
    public void Options_AreReadOnly()
    {
        ManifestJson.Options.IsReadOnly.ShouldBeTrue();
        Should.Throw<InvalidOperationException>(() => ManifestJson.Options.WriteIndented = true);
    }

    [Fact]
    public void IndentedOptions_ProduceTheSameDocument()
    {
        var spec = ImageSamples.Spec(ImageType.Job);
        var indented = JsonSerializer.Serialize(spec, ManifestJson.IndentedOptions);

        ManifestJson.SerializeSpec(ManifestJson.DeserializeSpec(Encoding.UTF8.GetBytes(indented), "x")).ShouldBe(ManifestJson.SerializeSpec(spec));
    }
}
