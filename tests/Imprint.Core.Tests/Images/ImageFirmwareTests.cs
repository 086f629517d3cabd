using Imprint.Images;
using Imprint.Keys;
using Imprint.Memory;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

/// <summary>Firmware built by the real toolchain survives an encrypted image byte for byte.</summary>
public sealed class ImageFirmwareTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task GccBuiltFirmware_RoundTripsThroughAnEncryptedImage()
    {
        var source = _dir.File("main.c");
        await File.WriteAllTextAsync(source, """
            volatile unsigned int counter;
            const char banner[] = "imprint sample firmware";
            void Reset_Handler(void) { for (;;) { counter += banner[counter % sizeof banner]; } }
            __attribute__((section(".isr_vector"))) const void *vectors[] = { (void *)0x20010000, (void *)Reset_Handler };
            """);
        var elf = _dir.File("fw.elf");
        var bin = _dir.File("fw.bin");
        await Tool.RunAsync("arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb", "-Os", "-nostdlib", "-nostartfiles",
            "-Wl,--section-start=.isr_vector=0x08000000", "-Wl,-Ttext=0x08000100", "-Wl,-e,Reset_Handler", "-o", elf, source);
        await Tool.RunAsync("arm-none-eabi-objcopy", "-O", "binary", "--gap-fill", "0xFF", "-j", ".isr_vector", "-j", ".text", "-j", ".rodata", elf, bin);
        var firmware = new MemoryImage();
        firmware.Add(0x0800_0000, await File.ReadAllBytesAsync(bin), "fw.bin");
        var content = ImageSamples.Content() with
        {
            Sections = [.. ImageSection.FromFirmware(firmware), .. ImageSamples.Sections().Where(s => s.Kind != SectionKind.Firmware)],
        };
        using var signer = SigningKey.Create();
        var key = EncryptionKey.Create();
        var path = _dir.File("fw.imp");

        await ImageWriter.WriteAsync(content, path, signer, key);
        var image = await ImageReader.OpenAsync(path, new KeyRing([key]), [signer.PublicKey]);

        image.Firmware.Segments.Select(s => s.Start).ShouldBe([0x0800_0000UL]);
        image.Firmware.ToFlatArray(0xFF).ShouldBe(await File.ReadAllBytesAsync(bin));
        image.Sections[0].Name.ShouldBe("firmware@0x08000000");
        (await File.ReadAllBytesAsync(path)).AsSpan().IndexOf("imprint sample firmware"u8).ShouldBe(-1);
    }
}
