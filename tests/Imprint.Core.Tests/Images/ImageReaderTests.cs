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

    [Fact]
    public async Task Open_KeyRingWithOtherKeysOnly_SaysThisMachineDoesNotHoldIt()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        var ex = await Should.ThrowAsync<ImageException>(
            () => ImageReader.OpenAsync(path, new KeyRing([EncryptionKey.Create("customer-b"), EncryptionKey.Create()])));

        ex.Message.ShouldBe($"{path} is encrypted with key customer-a; this machine does not hold it.");
    }

    [Fact]
    public async Task Open_DifferentKeyUnderTheSameId_SaysTheKeyDoesNotUnlockIt()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);
        var impostor = EncryptionKey.Create("customer-a");

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing([impostor])));

        ex.Message.ShouldBe($"{path}: the key held here as customer-a does not unlock the image; it is a different key with the same id, or the header was modified.");
    }

    [Fact]
    public async Task Open_TrustedSigner_MarksTheImageTrusted()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);
        using var other = SigningKey.Create();

        var image = await ImageReader.OpenAsync(path, new KeyRing(), [other.PublicKey, _signer.PublicKey]);

        image.IsSignerTrusted.ShouldBeTrue();
        image.SignerPublicKey.ShouldBe(_signer.PublicKey);
    }

    [Fact]
    public async Task Open_UntrustedSigner_NamesTheSignersFingerprint()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);
        using var other = SigningKey.Create();

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing([_key]), [other.PublicKey]));

        ex.Message.ShouldBe($"{path} is signed by key {_signer.Fingerprint}, which is not a trusted signer.");
    }

    [Fact]
    public async Task Open_EmptyTrustList_TrustsNobody()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing(), []));

        ex.Message.ShouldEndWith("which is not a trusted signer.");
    }

    [Fact]
    public async Task Open_JobImage_CarriesItsBindingInTheSignedManifest()
    {
        var path = _dir.File("job.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(ImageType.Job), path, _signer, _key);

        var header = ImageReader.ReadHeader(path);
        var image = await ImageReader.OpenAsync(path, new KeyRing([_key]));

        header.Type.ShouldBe(ImageType.Job);
        image.Spec.Binding.ShouldBe(new CloudBinding("acme", "factory-7", "https://cloud.example.com"));
        System.Text.Encoding.UTF8.GetString(image.ManifestBytes.Span).ShouldContain("\"binding\":{\"accountId\":\"acme\",\"factoryId\":\"factory-7\"");
    }

    [Fact]
    public async Task ReadHeader_EncryptedImage_ShowsPublicFieldsWithoutAKey()
    {
        var path = _dir.File("widget.imp");
        var id = await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        var header = ImageReader.ReadHeader(path);

        header.FormatVersion.ShouldBe(1);
        header.Id.ShouldBe(id);
        header.Type.ShouldBe(ImageType.Sap);
        header.IsEncrypted.ShouldBeTrue();
        header.KeyId.ShouldBe("customer-a");
        header.SignerFingerprint.ShouldBe(_signer.Fingerprint);
        header.SectionCount.ShouldBe(4);
        header.SectionsLength.ShouldBe(40_000 + 3000 + 2048 + 256);
        header.ChunkSize.ShouldBe(1 << 20);
        header.FileLength.ShouldBe(new FileInfo(path).Length);
    }

    [Fact]
    public async Task ReadHeader_FromBytesAndStream_MatchesTheFile()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);
        var bytes = await File.ReadAllBytesAsync(path);

        var fromBytes = ImageReader.ReadHeader(bytes.AsSpan(0, 192), "x.imp");
        await using var stream = File.OpenRead(path);
        var fromStream = await ImageReader.ReadHeaderAsync(stream, "x.imp");

        fromBytes.ShouldBe(ImageReader.ReadHeader(path));
        fromStream.ShouldBe(fromBytes);
    }

    [Fact]
    public async Task Open_EveryBuildGetsANewId()
    {
        var content = ImageSamples.Content();
        var a = await ImageWriter.WriteAsync(content, _dir.File("a.imp"), _signer);
        var b = await ImageWriter.WriteAsync(content, _dir.File("b.imp"), _signer);

        a.ShouldNotBe(b);
        (await ImageReader.OpenAsync(_dir.File("b.imp"), new KeyRing())).Id.ShouldBe(b);
    }

    [Fact]
    public async Task Open_NonSeekableStream_Works()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);

        await using var stream = new ForwardOnlyStream(await File.ReadAllBytesAsync(path));
        var image = await ImageReader.OpenAsync(stream, "piped.imp", new KeyRing([_key]));

        image.Name.ShouldBe("piped.imp");
        image.Sections.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Open_NonSeekableStreamWithTrailingBytes_CountsThem()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);
        var bytes = await File.ReadAllBytesAsync(path);

        await using var stream = new ForwardOnlyStream([.. bytes, .. new byte[100_000]]);
        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(stream, "piped.imp", new KeyRing()));

        ex.Message.ShouldBe($"piped.imp has 100000 unexpected bytes after the end of the image ({bytes.Length} bytes).");
    }

    [Fact]
    public async Task Open_LargeImageAcrossManyChunks_RoundTripsSectionsStraddlingChunks()
    {
        // 2.5 MiB of firmware in uneven pieces so sections start and end inside 1 MiB chunks,
        // plus an empty blob: exercises gathering on write and in-place decryption on read.
        var sections = new List<ImageSection>();
        ulong address = 0x0800_0000;
        foreach (var (length, seed) in new[] { (700_000, 11), (1_200_001, 12), (3, 13), (721_437, 14) })
        {
            sections.Add(new ImageSection(ImageSection.FirmwareName(address), SectionKind.Firmware, address, ImageSamples.Bytes(length, seed)));
            address += (ulong)length + 0x100;
        }

        sections.Add(new ImageSection("empty", SectionKind.Blob, null, ReadOnlyMemory<byte>.Empty));
        sections.Add(new ImageSection("selftest", SectionKind.TestCode, 0x2000_0000, ImageSamples.Bytes(256, 4)));
        var path = _dir.File("large.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(sections: sections), path, _signer, _key);

        var image = await ImageReader.OpenAsync(path, new KeyRing([_key]));

        image.Sections.Count.ShouldBe(sections.Count);
        for (int i = 0; i < sections.Count; i++)
        {
            image.Sections[i].Data.Span.SequenceEqual(sections[i].Data.Span).ShouldBeTrue(sections[i].Name);
        }

        image.Firmware.TotalBytes.ShouldBe(700_000 + 1_200_001 + 3 + 721_437);
    }

    [Fact]
    public async Task Open_LargeImage_DamageInALaterChunkNamesTheSectionsItHolds()
    {
        var sections = new[]
        {
            new ImageSection("firmware@0x08000000", SectionKind.Firmware, 0x0800_0000, ImageSamples.Bytes(1_500_000, 1)),
            new ImageSection("firmware@0x08200000", SectionKind.Firmware, 0x0820_0000, ImageSamples.Bytes(1_000_000, 2)),
            new ImageSection("selftest", SectionKind.TestCode, 0x2000_0000, ImageSamples.Bytes(256, 4)),
        };
        using var stream = new MemoryStream();
        await ImageWriter.WriteAsync(ImageSamples.Content(sections: sections), stream, _signer, _key);
        var bytes = stream.ToArray();
        bytes[192 + (1 << 20) + 5] ^= 0x40; // chunk 1: the rest of the first section and the start of the second

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(new MemoryStream(bytes), "large.imp", new KeyRing([_key])));

        ex.Message.ShouldBe("large.imp: sections 'firmware@0x08000000', 'firmware@0x08200000' do not decrypt (chunk 1 fails authentication); the file is damaged or was modified.");
    }

    [Fact]
    public async Task Open_MissingFile_SaysItDoesNotExist()
    {
        var path = _dir.File("nope.imp");

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path}: the image file does not exist.");
    }

    [Fact]
    public async Task Open_NotAnImage_SaysSo()
    {
        var path = _dir.File("firmware.hex");
        await File.WriteAllTextAsync(path, ":100000000000000000000000000000000000000000F0\n");

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path} is not an Imprint image: it does not start with the 'IMPRINT' signature bytes.");
    }

    [Fact]
    public async Task Open_EmptyFile_SaysItIsNotAnImage()
    {
        var path = _dir.File("empty.imp");
        await File.WriteAllBytesAsync(path, []);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path} is not an Imprint image: it does not start with the 'IMPRINT' signature bytes.");
    }

    [Fact]
    public async Task Open_HeaderOnlyPrefix_SaysTruncated()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..100]);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path} is truncated: it is 100 bytes long, shorter than the 192-byte header.");
    }

    [Fact]
    public async Task Open_NewerFormatVersion_SaysWhichVersionItReads()
    {
        var path = _dir.File("future.imp");
        var bytes = new byte[256];
        "IMPRINT\0"u8.CopyTo(bytes);
        bytes[8] = 2;   // version 2
        bytes[10] = 0;  // with a 256-byte header
        bytes[11] = 1;
        await File.WriteAllBytesAsync(path, bytes);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(path, new KeyRing()));

        ex.Message.ShouldBe($"{path} uses image format version 2; this Imprint reads version 1.");
    }

    [Fact]
    public async Task Open_Cancelled_Throws()
    {
        var path = _dir.File("widget.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, _signer, _key);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => ImageReader.OpenAsync(path, new KeyRing([_key]), cts.Token));
    }

    /// <summary>A pipe-like stream: no length, no seeking.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads, as pipes give.
            int n = Math.Min(Math.Min(count, 7000), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
