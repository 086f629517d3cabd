using Imprint.Formats;
using Imprint.Formats.Binary;
using Imprint.Memory;
using Imprint.Testing;

namespace Imprint.Tests.Formats.Binary;

public sealed class RawBinaryWriterTests
{
    [Fact]
    public void Write_Gaps_FilledFromLowestAddress()
    {
        var image = new MemoryImage();
        image.Add(0x100, [1, 2]);
        image.Add(0x105, [3]);

        Write(image, new FirmwareWriteOptions { Fill = 0xA5 }).ShouldBe(new byte[] { 1, 2, 0xA5, 0xA5, 0xA5, 3 });
    }

    [Fact]
    public void Write_GapLargerThanFillBlock_FilledCompletely()
    {
        var image = new MemoryImage();
        image.Add(0, [1]);
        image.Add(200_001, [2]);

        var bytes = Write(image);

        bytes.Length.ShouldBe(200_002);
        bytes.AsSpan(1, 200_000).ToArray().ShouldAllBe(b => b == 0xFF);
        bytes[^1].ShouldBe((byte)2);
    }

    [Fact]
    public void Write_Empty_WritesNothing() => Write(new MemoryImage()).ShouldBeEmpty();

    [Fact]
    public async Task Write_SparseHex_SameAsObjcopyWithGapFill()
    {
        using var dir = new TempDirectory();
        var image = new MemoryImage();
        image.Add(0x08000000, Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray());
        image.Add(0x08001234, Enumerable.Range(0, 77).Select(i => (byte)(i ^ 0x5A)).ToArray());
        FirmwareFile.Write(image, dir.File("in.hex"), FirmwareFormat.IntelHex);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-I", "ihex", "-O", "binary", "--gap-fill", "0xFF", dir.File("in.hex"), dir.File("objcopy.bin")]);

        Write(image).ShouldBe(await File.ReadAllBytesAsync(dir.File("objcopy.bin")));
    }

    private static byte[] Write(MemoryImage image, FirmwareWriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        RawBinaryWriter.Write(image, stream, options);
        return stream.ToArray();
    }
}
