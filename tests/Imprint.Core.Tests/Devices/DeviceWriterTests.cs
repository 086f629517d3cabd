using System.Text.Json;
using Imprint.Devices;
using Imprint.Testing;

namespace Imprint.Tests.Devices;

public sealed class DeviceWriterTests
{
    // Records hold lists, whose equality is by reference: compare the JSON form instead.
    private static string Canonical(Device device) => JsonSerializer.Serialize(device);

    [Fact]
    public void Write_EveryBuiltIn_ReadsBackEqual()
    {
        foreach (var device in DeviceCatalog.BuiltIn.Devices)
        {
            string yaml = DeviceWriter.Write(device);
            var again = DeviceReader.Read(yaml, device.Name + ".yaml");
            Canonical(again).ShouldBe(Canonical(device), yaml);
        }
    }

    [Fact]
    public void Device_RoundTripsThroughJson_AsAnImageManifestCarriesIt()
    {
        foreach (var device in DeviceCatalog.BuiltIn.Devices)
        {
            string json = Canonical(device);
            json.ShouldNotContain("FlashRegions"); // derived data stays out of manifests
            Canonical(JsonSerializer.Deserialize<Device>(json)!).ShouldBe(json);
        }
    }

    [Fact]
    public void Write_UsesSizesAndHexAddresses()
    {
        string yaml = DeviceWriter.Write(DeviceCatalog.BuiltIn.Get("STM32F407VG"));

        yaml.ShouldContain("    start: 0x08000000\n    size: 1M\n");
        yaml.ShouldContain("      - { size: 16K, count: 4 }\n      - { size: 64K, count: 1 }\n      - { size: 128K, count: 7 }\n");
        yaml.ShouldContain("unique-id: { address: 0x1FFF7A10, length: 12 }\n");
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("Texas Instruments")]
    [InlineData("true")]
    [InlineData("0x10")]
    [InlineData("16K")]
    [InlineData("a: b")]
    [InlineData("# not a comment")]
    [InlineData("quote \" and \\ backslash")]
    [InlineData("line\nbreak\ttab")]
    [InlineData(" leading space")]
    [InlineData("Ünïcödé – 芯片")]
    public void Write_AnyVendorText_ReadsBackUnchanged(string vendor)
    {
        var device = DeviceCatalog.BuiltIn.Get("LM3S6965") with { Vendor = vendor };

        DeviceReader.Read(DeviceWriter.Write(device), "x.yaml").Vendor.ShouldBe(vendor);
    }

    [Fact]
    public void Write_Comment_GoesOnTop()
    {
        string yaml = DeviceWriter.Write(DeviceCatalog.BuiltIn.Get("LM3S6965"), ["Imported from a.pdsc", "second\nline"]);

        yaml.ShouldStartWith("# Imported from a.pdsc\n# second line\nname: LM3S6965\n");
    }

    [Fact]
    public async Task SaveAsync_WritesDevicesAndAlgorithms_AndLeavesNoTemporaryFiles()
    {
        using var temp = new TempDirectory();
        string folder = temp.File("devices");
        var device = DeviceCatalog.BuiltIn.Get("NRF52832") with { Source = "nordic.pdsc" };
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(folder).FullName, "NRF52832.yaml"), "old");

        var written = await DeviceWriter.SaveAsync(folder, [device], new Dictionary<string, ReadOnlyMemory<byte>> { ["A.FLM"] = new byte[] { 1, 2, 3 } }, ["note"], CancellationToken.None);

        written.ShouldBe([Path.Combine(folder, "NRF52832.yaml"), Path.Combine(folder, "A.FLM")]);
        Directory.GetFiles(folder).Select(Path.GetFileName).Order().ShouldBe(["A.FLM", "NRF52832.yaml"]);
        File.ReadAllBytes(Path.Combine(folder, "A.FLM")).ShouldBe(new byte[] { 1, 2, 3 });
        DeviceCatalog.Load(folder).Get("NRF52832").Source.ShouldBe("nordic.pdsc");
    }
}
