using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

public sealed class ImageReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _signer = SigningKey.Create();
    private readonly EncryptionKey _key = EncryptionKey.Create("customer-a");

    public void Dispose()
    {
        _signer.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Open_ReturnsWhatWasWritten(bool encrypted)
    {
        var content = ImageSamples.Content();
        var path = _dir.File("widget.imp");
        var id = await ImageWriter.WriteAsync(content, path, _signer, encrypted ? _key : null);

        var image = await ImageReader.OpenAsync(path, new KeyRing([_key]));

        image.Id.ShouldBe(id);
        image.Header.IsEncrypted.ShouldBe(encrypted);
        image.Header.KeyId.ShouldBe(encrypted ? "customer-a" : null);
        image.Header.SignerFingerprint.ShouldBe(_signer.Fingerprint);
        image.SignerPublicKey.ShouldBe(_signer.PublicKey);
        image.IsSignerTrusted.ShouldBeFalse();
        image.Build.ShouldBe(content.Build);
        image.Spec.Name.ShouldBe("widget");
        image.Sections.Select(s => (s.Name, s.Kind, s.Address)).ShouldBe(content.Sections.Select(s => (s.Name, s.Kind, s.Address)));
        for (int i = 0; i < content.Sections.Count; i++)
        {
            image.Sections[i].Data.ToArray().ShouldBe(content.Sections[i].Data.ToArray());
        }

        var file = await File.ReadAllBytesAsync(path);
        image.Length.ShouldBe(file.Length);
        image.Sha256.ShouldBe(System.Security.Cryptography.SHA256.HashData(file));
        image.Crc32.ShouldBe(Imprint.Checksums.Crc32.Compute(file));
    }

    [Fact]
    public async Task Open_FirmwareMergesFirmwareSectionsOnly()
    {
        var content = ImageSamples.Content();
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(content, path, _signer);

        var image = await ImageReader.OpenAsync(path, new KeyRing());

        image.Firmware.Segments.Select(s => (s.Start, s.Length)).ShouldBe([(0x0800_0000UL, 40_000), (0x0801_0000UL, 3000)]);
        image.Firmware.SourceOf(0x0801_0000).ShouldBe("firmware@0x08010000");
        image.GetSection("selftest").Kind.ShouldBe(SectionKind.TestCode);
    }

    [Fact]
    public async Task Open_EncryptedWithoutKey_SaysThisMachineDoesNotHoldIt()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path} is encrypted with key customer-a; this machine does not hold it.");
    }
}
