using Imprint.Images;
using Imprint.Keys;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

/// <summary>
/// Flips one byte at positions of every class (each header byte, the manifest, each section,
/// the public key, the signature, the GCM tags) of plain and encrypted images, and appends or
/// removes bytes: every change must fail with an <see cref="ImageException"/> saying what broke.
/// </summary>
public sealed class ImageTamperTests : IClassFixture<ImageTamperTests.Images>
{
    private const string Name = "image.imp";
    private readonly Images _images;

    public ImageTamperTests(Images images) => _images = images;

    public enum Region
    {
        Magic,
        HeaderFields,
        Sections,
        SectionTags,
        Manifest,
        PublicKey,
        Signature,
        MetaTags,
    }

    public static TheoryData<bool, Region> Cases()
    {
        var data = new TheoryData<bool, Region>();
        foreach (var encrypted in new[] { false, true })
        {
            foreach (var region in Enum.GetValues<Region>())
            {
                if (!encrypted && region is Region.SectionTags or Region.MetaTags) continue;
                data.Add(encrypted, region);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FlipOneByte_FailsWithTheMessageForItsRegion(bool encrypted, Region region)
    {
        var original = encrypted ? _images.Encrypted : _images.Plain;
        var layout = Layout.Of(original);
        var failures = new List<string>();
        int tried = 0;
        foreach (var (position, expected) in layout.Positions(region))
        {
            var bytes = (byte[])original.Clone();
            bytes[position] ^= 0x01;
            tried++;
            try
            {
                await ImageReader.OpenAsync(new MemoryStream(bytes), Name, _images.Keys);
                failures.Add($"0x{position:X}: opened without error");
            }
            catch (ImageException ex) when (expected.Any(e => ex.Message.Contains(e, StringComparison.Ordinal)))
            {
            }
            catch (Exception ex)
            {
                failures.Add($"0x{position:X}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        tried.ShouldBeGreaterThan(0);
        failures.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AppendedByte_IsReportedAsTrailingData(bool encrypted)
    {
        var original = encrypted ? _images.Encrypted : _images.Plain;
        byte[] bytes = [.. original, 0x00];

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(new MemoryStream(bytes), Name, _images.Keys));

        ex.Message.ShouldBe($"{Name} has 1 unexpected byte after the end of the image ({original.Length} bytes).");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RemovedLastByte_IsReportedAsTruncated(bool encrypted)
    {
        var original = encrypted ? _images.Encrypted : _images.Plain;

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(new MemoryStream(original[..^1]), Name, _images.Keys));

        ex.Message.ShouldBe($"{Name} is truncated: the header describes {original.Length} bytes but the file has {original.Length - 1}.");
    }

    [Fact]
    public async Task EveryPrefix_FailsWithImageException()
    {
        var original = _images.Encrypted;
        for (int length = 0; length < original.Length; length += Math.Max(1, length / 8))
        {
            var ex = await Should.ThrowAsync<ImageException>(
                () => ImageReader.OpenAsync(new MemoryStream(original[..length]), Name, _images.Keys),
                $"prefix of {length} bytes");
            ex.Message.ShouldStartWith(Name);
        }
    }

    [Fact]
    public async Task HeaderEditedWithRecomputedCrc_FailsSignatureOrKeyUnwrap()
    {
        // A deliberate edit (CRC fixed up) is caught by the signature or, when encrypted, by the
        // key wrap and chunk tags, which authenticate the header.
        foreach (var (original, encrypted) in new[] { (_images.Plain, false), (_images.Encrypted, true) })
        {
            var bytes = (byte[])original.Clone();
            bytes[20] ^= 0x80; // inside the image id
            FixCrc(bytes);

            var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(new MemoryStream(bytes), Name, _images.Keys));

            ex.Message.ShouldBe(encrypted
                ? $"{Name}: the key held here as customer-a does not unlock the image; it is a different key with the same id, or the header was modified."
                : $"{Name}: the signature does not verify; the header or manifest was modified after signing, or the file is damaged.");
        }
    }

    [Fact]
    public async Task BaseNonceEditedWithRecomputedCrc_FailsFirstSectionChunk()
    {
        var bytes = (byte[])_images.Encrypted.Clone();
        bytes[170] ^= 0x01; // base nonce: not covered by the key wrap, covered by every chunk
        FixCrc(bytes);

        var ex = await Should.ThrowAsync<ImageException>(() => ImageReader.OpenAsync(new MemoryStream(bytes), Name, _images.Keys));

        ex.Message.ShouldBe($"{Name}: the encrypted manifest does not decrypt (it fails authentication); the file is damaged or was modified.");
    }

    internal static void FixCrc(byte[] bytes) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(188), Imprint.Checksums.Crc32.Compute(bytes.AsSpan(0, 188)));

    /// <summary>The byte layout of docs/image-format.md, computed from a header.</summary>
    internal sealed record Layout(ImageHeader Header, IReadOnlyList<(string Name, long Start, long Length)> Sections)
    {
        private const int HeaderLength = 192, Tag = 16, PublicKey = 91, Signature = 64;

        public static Layout Of(byte[] image)
        {
            var header = ImageReader.ReadHeader(image);
            var sections = new List<(string, long, long)>();
            long at = HeaderLength;
            foreach (var s in ImageSamples.Sections(Images.FirmwareLength))
            {
                sections.Add((s.Name, at, s.Length));
                at += s.Length;
            }

            return new Layout(header, sections);
        }

        // The sample's sections fit in one 1 MiB chunk, whose tag covers them all.
        private string AllSectionsInChunk0 =>
            $"sections {string.Join(", ", Sections.Select(s => $"'{s.Name}'"))} do not decrypt (chunk 0 fails authentication); the file is damaged or was modified.";

        private int Chunk => Header.ChunkSize;

        private long Stored(long length) => Chunk == 0 ? length : length + (Tag * ((length + Chunk - 1) / Chunk));

        private long SectionsEnd => HeaderLength + Header.SectionsLength;

        private long MetaStart => HeaderLength + Stored(Header.SectionsLength);

        private long MetaLength => Header.ManifestLength + PublicKey + Signature;

        public IEnumerable<(long Position, string[] Expected)> Positions(Region region)
        {
            bool encrypted = Header.IsEncrypted;
            string[] meta = ["the encrypted manifest does not decrypt"];
            switch (region)
            {
                case Region.Magic:
                    return Range(0, 8).Select(p => (p, new[] { "is not an Imprint image" }));
                case Region.HeaderFields:
                    return Range(8, HeaderLength).Select(p => (p, new[] { "the header is damaged (its CRC-32 does not match)" }));
                case Region.Sections:
                    return Sections.SelectMany(s => Spread(s.Start, s.Length).Select(p => (p, new[]
                    {
                        encrypted ? AllSectionsInChunk0 : $"section '{s.Name}' does not match its SHA-256",
                    })));
                case Region.SectionTags:
                    return Spread(SectionsEnd, MetaStart - SectionsEnd).Select(p => (p, new[] { AllSectionsInChunk0 }));
                case Region.Manifest:
                    return Spread(MetaStart, Header.ManifestLength).Select(p => (p, encrypted ? meta : ["the signature does not verify"]));
                case Region.PublicKey:
                    return Spread(MetaStart + Header.ManifestLength, PublicKey).Select(p => (p, encrypted ? meta : new[]
                    {
                        "the signer's public key is malformed",
                        "the signer's public key does not match the fingerprint",
                    }));
                case Region.Signature:
                    return Spread(MetaStart + Header.ManifestLength + PublicKey, Signature).Select(p => (p, encrypted ? meta : ["the signature does not verify"]));
                case Region.MetaTags:
                    return Spread(MetaStart + MetaLength, Header.FileLength - MetaStart - MetaLength).Select(p => (p, meta));
                default:
                    throw new ArgumentOutOfRangeException(nameof(region));
            }
        }

        private static IEnumerable<long> Range(long from, long to)
        {
            for (long p = from; p < to; p++) yield return p;
        }

        // First, last and about 40 positions in between.
        private static IEnumerable<long> Spread(long start, long length)
        {
            long step = Math.Max(1, length / 40);
            for (long p = start; p < start + length; p += step) yield return p;
            yield return start + length - 1;
        }
    }

    /// <summary>One plain and one encrypted image shared by the tamper tests (read-only).</summary>
    public sealed class Images : IAsyncLifetime
    {
        public const int FirmwareLength = 40_000;

        public byte[] Plain { get; private set; } = [];

        public byte[] Encrypted { get; private set; } = [];

        public KeyRing Keys { get; } = new([EncryptionKey.Create("customer-a")]);

        public async Task InitializeAsync()
        {
            using var signer = SigningKey.Create();
            var content = ImageSamples.Content(sections: ImageSamples.Sections(FirmwareLength));
            Plain = await Write(content, signer, null);
            Encrypted = await Write(content, signer, Keys.FindEncryptionKey("customer-a"));
        }

        public Task DisposeAsync() => Task.CompletedTask;

        private static async Task<byte[]> Write(ImageContent content, SigningKey signer, EncryptionKey? key)
        {
            using var stream = new MemoryStream();
            await ImageWriter.WriteAsync(content, stream, signer, key);
            return stream.ToArray();
        }
    }
}
