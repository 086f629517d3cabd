using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

public sealed class ImageWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _signer = SigningKey.Create();

    public void Dispose()
    {
        _signer.Dispose();
        _dir.Dispose();
    }

    public static TheoryData<string, string> InvalidContent() => new()
    {
        { "duplicate-name", "out.imp: two sections are named 'selftest'." },
        { "firmware-without-address", "out.imp: firmware section 'fw' has no address." },
        { "empty-firmware", "out.imp: firmware section 'fw' is empty." },
        { "overlapping-firmware", "out.imp: firmware sections 'firmware@0x08000000' and 'fw' overlap at 0x08000010." },
        { "firmware-past-4GiB", "out.imp: firmware section 'fw' at 0xFFFFFFF0 extends past the 4 GiB address space." },
        { "empty-name", "out.imp: section 4 has an invalid name; use 1 to 128 printable characters." },
        { "control-char-name", "out.imp: section 4 has an invalid name; use 1 to 128 printable characters." },
        { "job-without-binding", "out.imp: a JOB image needs a cloud binding (account, factory and cloud URL)." },
        { "sap-with-binding", "out.imp: a SAP image runs stand-alone and cannot carry a cloud binding." },
        { "missing-test-code", "out.imp: script[7] runs test code from section 'selftest', which the image does not hold as test code." },
    };

    [Theory]
    [MemberData(nameof(InvalidContent))]
    public async Task Write_InvalidContent_NamesTheProblemAndWritesNothing(string problem, string message)
    {
        var content = Broken(problem);
        var path = _dir.File("out.imp");

        var ex = await Should.ThrowAsync<ImageException>(() => ImageWriter.WriteAsync(content, path, _signer));

        ex.Message.ShouldBe(message.Replace("out.imp", path, StringComparison.Ordinal));
        Directory.EnumerateFileSystemEntries(_dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Write_ReplacesAnExistingFileAtomically()
    {
        var path = _dir.File("widget.imp");
        await File.WriteAllTextAsync(path, "old");

        var id = await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);

        ImageReader.ReadHeader(path).Id.ShouldBe(id);
        Directory.EnumerateFileSystemEntries(_dir.Path).ShouldBe([path]);
    }

    [Fact]
    public async Task Write_Cancelled_LeavesTheOldFileAndNoTemporaryFile()
    {
        var path = _dir.File("widget.imp");
        await File.WriteAllTextAsync(path, "old");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(
            () => ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, EncryptionKey.Create(), cts.Token));

        (await File.ReadAllTextAsync(path)).ShouldBe("old");
        Directory.EnumerateFileSystemEntries(_dir.Path).ShouldBe([path]);
    }

    [Fact]
    public async Task Write_Encrypted_HidesFirmwareAndManifest()
    {
        var content = ImageSamples.Content();
        using var stream = new MemoryStream();
        await ImageWriter.WriteAsync(content, stream, _signer, EncryptionKey.Create("k"));
        var bytes = stream.ToArray();

        var firmware = content.Sections[0].Data.Span[..32].ToArray();
        bytes.AsSpan().IndexOf(firmware).ShouldBe(-1);
        System.Text.Encoding.UTF8.GetString(bytes).ShouldNotContain("widget");
        System.Text.Encoding.UTF8.GetString(bytes).ShouldNotContain("STM32");
    }

    [Fact]
    public async Task Write_Plain_StoresFirmwareAsIsAfterTheHeader()
    {
        var content = ImageSamples.Content();
        using var stream = new MemoryStream();
        await ImageWriter.WriteAsync(content, stream, _signer);
        var bytes = stream.ToArray();

        bytes.AsSpan(192, content.Sections[0].Length).SequenceEqual(content.Sections[0].Data.Span).ShouldBeTrue();
    }

    [Fact]
    public async Task Write_SameContentTwiceEncrypted_DiffersEverywhereButTheFixedFields()
    {
        var content = ImageSamples.Content();
        var key = EncryptionKey.Create("k");
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        await ImageWriter.WriteAsync(content, a, _signer, key);
        await ImageWriter.WriteAsync(content, b, _signer, key);

        // Fresh id, data key and nonces: the ciphertexts share nothing.
        var x = a.ToArray();
        var y = b.ToArray();
        x.Length.ShouldBe(y.Length);
        x.AsSpan(192, 4096).SequenceEqual(y.AsSpan(192, 4096)).ShouldBeFalse();
        x.AsSpan(104, 72).SequenceEqual(y.AsSpan(104, 72)).ShouldBeFalse();
    }

    private ImageContent Broken(string problem)
    {
        var content = ImageSamples.Content();
        var sections = content.Sections.ToList();
        byte[] data = [1, 2, 3];
        switch (problem)
        {
            case "duplicate-name":
                sections.Add(new ImageSection("selftest", SectionKind.Blob, null, data));
                break;
            case "firmware-without-address":
                sections.Add(new ImageSection("fw", SectionKind.Firmware, null, data));
                break;
            case "empty-firmware":
                sections.Add(new ImageSection("fw", SectionKind.Firmware, 0x0900_0000, ReadOnlyMemory<byte>.Empty));
                break;
            case "overlapping-firmware":
                sections.Add(new ImageSection("fw", SectionKind.Firmware, 0x0800_0010, data));
                break;
            case "firmware-past-4GiB":
                sections.Add(new ImageSection("fw", SectionKind.Firmware, 0xFFFF_FFF0, new byte[32]));
                break;
            case "empty-name":
                sections.Add(new ImageSection("", SectionKind.Blob, null, data));
                break;
            case "control-char-name":
                sections.Add(new ImageSection("a\nb", SectionKind.Blob, null, data));
                break;
            case "job-without-binding":
                return content with { Spec = content.Spec with { Type = ImageType.Job, Binding = null } };
            case "sap-with-binding":
                return content with { Spec = content.Spec with { Binding = new CloudBinding("a", "f", "https://c") } };
            case "missing-test-code":
                sections.RemoveAll(s => s.Name == "selftest");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(problem));
        }

        return content with { Sections = sections };
    }
}
