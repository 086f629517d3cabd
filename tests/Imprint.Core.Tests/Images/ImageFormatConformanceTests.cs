using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Imprint.Images;
using Imprint.Keys;
using Imprint.Testing;
using Imprint.Testing.Images;

namespace Imprint.Tests.Images;

/// <summary>
/// Reads images the way docs/image-format.md describes them, with no code from the reader:
/// offsets from the document, AES-GCM from the BCL, and the signature checked by OpenSSL.
/// If the document and the implementation disagree, these tests fail.
/// </summary>
public sealed class ImageFormatConformanceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IndependentReader_FollowsTheDocument_AndOpenSslVerifiesTheSignature(bool encrypted)
    {
        using var signer = SigningKey.Create();
        var key = EncryptionKey.Create("doc-key");
        key.Save(_dir.File("doc.key"));
        var sections = new[]
        {
            new ImageSection("firmware@0x08000000", SectionKind.Firmware, 0x0800_0000, ImageSamples.Bytes(1_300_000, 1)),
            new ImageSection("firmware@0x08200000", SectionKind.Firmware, 0x0820_0000, ImageSamples.Bytes(5000, 2)),
            new ImageSection("selftest", SectionKind.TestCode, 0x2000_0000, ImageSamples.Bytes(256, 3)),
        };
        var path = _dir.File("doc.imp");
        var id = await ImageWriter.WriteAsync(ImageSamples.Content(Imprint.Projects.ImageType.Job, sections), path, signer, encrypted ? key : null);
        var file = await File.ReadAllBytesAsync(path);

        // Header.
        file.AsSpan(0, 8).SequenceEqual("IMPRINT\0"u8).ShouldBeTrue();
        U16(file, 8).ShouldBe(1u);
        U16(file, 10).ShouldBe(192u);
        file[12].ShouldBe((byte)1);
        file[13].ShouldBe(encrypted ? (byte)1 : (byte)0);
        Convert.ToHexStringLower(file.AsSpan(16, 16)).ShouldBe(id.ToString());
        file.AsSpan(32, 16).SequenceEqual(SHA256.HashData(signer.PublicKey.SubjectPublicKeyInfo.Span).AsSpan(0, 16)).ShouldBeTrue();
        Encoding.ASCII.GetString(file, 48, 32).TrimEnd('\0').ShouldBe(encrypted ? "doc-key" : "");
        uint count = U32(file, 80), m = U32(file, 84);
        ulong s = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(88));
        int chunk = (int)U32(file, 100);
        (count, s).ShouldBe((3u, 1_305_256UL));
        (U16(file, 96), U16(file, 98)).ShouldBe((91u, 64u));
        chunk.ShouldBe(encrypted ? 1 << 20 : 0);
        U32(file, 188).ShouldBe(Imprint.Checksums.Crc32.Compute(file.AsSpan(0, 188)));

        long Stored(long n) => chunk == 0 ? n : n + (16 * ((n + chunk - 1) / chunk));
        long metaLength = m + 91 + 64;
        file.LongLength.ShouldBe(192 + Stored((long)s) + Stored(metaLength));

        // Plaintext of both regions.
        byte[] sectionData = file[192..(192 + (int)s)];
        int metaStart = 192 + (int)Stored((long)s);
        byte[] meta = file[metaStart..(metaStart + (int)metaLength)];
        if (encrypted)
        {
            var k = Convert.FromBase64String(JsonDocument.Parse(await File.ReadAllTextAsync(_dir.File("doc.key"))).RootElement.GetProperty("key").GetString()!);
            var d = new byte[32];
            using (var wrap = new AesGcm(k, 16))
            {
                wrap.Decrypt(file.AsSpan(104, 12), file.AsSpan(116, 32), file.AsSpan(148, 16), d, file.AsSpan(0, 104));
            }

            long sectionChunks = ((long)s + chunk - 1) / chunk;
            long metaChunks = (metaLength + chunk - 1) / chunk;
            Decrypt(file, d, chunk, firstIndex: 0, sectionData, tagsAt: 192 + (int)s, isFinalRegion: false);
            Decrypt(file, d, chunk, firstIndex: sectionChunks, meta, tagsAt: metaStart + (int)metaLength, isFinalRegion: true);
            (sectionChunks, metaChunks).ShouldBe((2L, 1L));
        }

        // Signature, checked by OpenSSL over header ‖ manifest.
        await File.WriteAllBytesAsync(_dir.File("message.bin"), [.. file.AsSpan(0, 192), .. meta.AsSpan(0, (int)m)]);
        await File.WriteAllBytesAsync(_dir.File("signer.der"), meta[(int)m..((int)m + 91)]);
        await File.WriteAllBytesAsync(_dir.File("sig.der"), P1363ToDer(meta.AsSpan((int)m + 91, 64)));
        var verdict = await Tool.RunAsync("openssl", "dgst", "-sha256", "-verify", _dir.File("signer.der"), "-keyform", "DER", "-signature", _dir.File("sig.der"), _dir.File("message.bin"));
        verdict.Trim().ShouldBe("Verified OK");

        // Manifest and section hashes.
        using var manifest = JsonDocument.Parse(meta.AsMemory(0, (int)m));
        var root = manifest.RootElement;
        root.GetProperty("format").GetInt32().ShouldBe(1);
        root.GetProperty("imageId").GetString().ShouldBe(id.ToString());
        root.GetProperty("spec").GetProperty("type").GetString().ShouldBe("job");
        root.GetProperty("spec").GetProperty("binding").GetProperty("factoryId").GetString().ShouldBe("factory-7");
        int at = 0, i = 0;
        foreach (var entry in root.GetProperty("sections").EnumerateArray())
        {
            int length = entry.GetProperty("length").GetInt32();
            entry.GetProperty("name").GetString().ShouldBe(sections[i].Name);
            entry.GetProperty("kind").GetString().ShouldBe(i == 2 ? "testCode" : "firmware");
            entry.GetProperty("address").GetUInt64().ShouldBe(sections[i].Address!.Value);
            entry.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(sectionData.AsSpan(at, length))));
            sectionData.AsSpan(at, length).SequenceEqual(sections[i].Data.Span).ShouldBeTrue();
            at += length;
            i++;
        }
    }

    [Fact]
    public async Task OpenSsl_RejectsTheSignatureOfAModifiedManifest()
    {
        using var signer = SigningKey.Create();
        var path = _dir.File("doc.imp");
        await ImageWriter.WriteAsync(ImageSamples.Content(), path, signer);
        var file = await File.ReadAllBytesAsync(path);
        int m = (int)U32(file, 84), metaStart = 192 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(88));
        var manifest = file[metaStart..(metaStart + m)];
        manifest[10] ^= 1;

        await File.WriteAllBytesAsync(_dir.File("message.bin"), [.. file.AsSpan(0, 192), .. manifest]);
        await File.WriteAllBytesAsync(_dir.File("signer.der"), file[(metaStart + m)..(metaStart + m + 91)]);
        await File.WriteAllBytesAsync(_dir.File("sig.der"), P1363ToDer(file.AsSpan(metaStart + m + 91, 64)));

        await Should.ThrowAsync<InvalidOperationException>(() => Tool.RunAsync(
            "openssl", "dgst", "-sha256", "-verify", _dir.File("signer.der"), "-keyform", "DER", "-signature", _dir.File("sig.der"), _dir.File("message.bin")));
    }

    private static void Decrypt(byte[] file, byte[] dataKey, int chunk, long firstIndex, byte[] region, int tagsAt, bool isFinalRegion)
    {
        using var aes = new AesGcm(dataKey, 16);
        long chunks = (region.Length + chunk - 1L) / chunk;
        for (long c = 0; c < chunks; c++)
        {
            int start = (int)(c * chunk), length = Math.Min(chunk, region.Length - start);
            long index = firstIndex + c;
            var nonce = file.AsSpan(164, 12).ToArray();
            BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), BinaryPrimitives.ReadUInt64BigEndian(nonce.AsSpan(4)) ^ (ulong)index);
            byte[] aad = [.. file.AsSpan(0, 192), .. BitConverter.GetBytes((ulong)index), isFinalRegion && c == chunks - 1 ? (byte)1 : (byte)0];
            var tag = file.AsSpan(tagsAt + (int)(c * 16), 16);
            aes.Decrypt(nonce, region.AsSpan(start, length), tag, region.AsSpan(start, length), aad);
        }
    }

    private static byte[] P1363ToDer(ReadOnlySpan<byte> signature)
    {
        static byte[] Integer(ReadOnlySpan<byte> value)
        {
            value = value.TrimStart((byte)0);
            byte[] body = value.IsEmpty || value[0] >= 0x80 ? [0, .. value] : value.ToArray();
            return [0x02, (byte)body.Length, .. body];
        }

        byte[] r = Integer(signature[..32]), s = Integer(signature[32..]);
        return [0x30, (byte)(r.Length + s.Length), .. r, .. s];
    }

    private static uint U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
}
