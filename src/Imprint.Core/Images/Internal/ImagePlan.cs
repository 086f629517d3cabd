using System.Security.Cryptography;
using Imprint.Keys;

namespace Imprint.Images.Internal;

/// <summary>One image being written: everything decided before the first byte goes out.</summary>
internal sealed class ImagePlan
{
    private readonly ImageContent _content;
    private readonly SigningKey _signer;
    private readonly EncryptionKey? _key;
    private readonly SectionLayout _layout;
    private int _manifestLength;

    private ImagePlan(ImageContent content, SigningKey signer, EncryptionKey? key, SectionLayout layout)
    {
        _content = content;
        _signer = signer;
        _key = key;
        _layout = layout;
    }

    public ImageId Id { get; } = ImageId.New();

    private int ChunkSize => _key is null ? 0 : HeaderFormat.DefaultChunkSize;

    public static ImagePlan Create(ImageContent content, SigningKey signer, EncryptionKey? key, string name)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(content.Spec);
        ArgumentNullException.ThrowIfNull(content.Sections);
        ArgumentNullException.ThrowIfNull(content.Build);
        ArgumentNullException.ThrowIfNull(signer);

        // Hashes are fixed-width hex, so the manifest's length is known before they are:
        // the header (which records it) can be written first and the file streamed out.
        var placeholder = content.Sections.Select(s =>
            new ManifestSection(s.Name, s.Kind, s.Address, s.Length, new string('0', 64))).ToArray();
        var layout = SectionLayout.Check(placeholder, content.Spec, name);
        var plan = new ImagePlan(content, signer, key, layout);
        var manifestLength = plan.SerializeManifest(placeholder).Length;
        if (manifestLength > HeaderFormat.MaxManifestLength)
        {
            throw new ImageException($"{name}: the manifest would be {manifestLength} bytes, more than the {HeaderFormat.MaxManifestLength} allowed.");
        }

        if (HeaderFormat.FileLength(layout.Total, manifestLength, key is null ? 0 : HeaderFormat.DefaultChunkSize) > Array.MaxLength)
        {
            throw new ImageException($"{name}: the image would be larger than 2 GiB, which is not supported.");
        }

        plan._manifestLength = manifestLength;
        return plan;
    }

    public async Task WriteAsync(Stream destination, CancellationToken ct)
    {
        var header = HeaderFormat.Encode(
            _content.Spec.Type, Id, _signer.PublicKey.FingerprintBytes, _key?.Id,
            _layout.Sections.Count, _layout.Total, _manifestLength, ChunkSize);
        byte[]? dataKey = null;
        ChunkCipher? cipher = null;
        try
        {
            if (_key is not null)
            {
                dataKey = RandomNumberGenerator.GetBytes(HeaderFormat.DataKeyLength);
                ChunkCipher.WrapKey(_key.Material, dataKey, header);
                RandomNumberGenerator.Fill(header.AsSpan(HeaderFormat.BaseNonce, HeaderFormat.NonceLength));
            }

            HeaderFormat.SealCrc(header);
            if (dataKey is not null) cipher = new ChunkCipher(dataKey, header.AsSpan(HeaderFormat.BaseNonce, HeaderFormat.NonceLength), header);
            await destination.WriteAsync(header, ct).ConfigureAwait(false);
            var hashes = await WriteSectionsAsync(destination, cipher, ct).ConfigureAwait(false);
            await WriteMetaAsync(destination, header, hashes, cipher, ct).ConfigureAwait(false);
            await destination.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            cipher?.Dispose();
            if (dataKey is not null) CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    // Hashes on another core while this one writes (and encrypts) the same bytes.
    private async Task<byte[][]> WriteSectionsAsync(Stream destination, ChunkCipher? cipher, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hashing = Task.Run(() => HashSections(cts.Token), cts.Token);
        try
        {
            if (cipher is null)
            {
                foreach (var s in _content.Sections) await destination.WriteAsync(s.Data, ct).ConfigureAwait(false);
            }
            else
            {
                await WriteEncryptedSectionsAsync(destination, cipher, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(hashing).ConfigureAwait(false);
            throw;
        }

        return await hashing.ConfigureAwait(false);
    }

    private async Task WriteMetaAsync(Stream destination, byte[] header, byte[][] hashes, ChunkCipher? cipher, CancellationToken ct)
    {
        var manifest = SerializeManifest([.. _layout.Sections.Select((s, i) => s with { Sha256 = Convert.ToHexStringLower(hashes[i]) })]);
        if (manifest.Length != _manifestLength)
        {
            throw new InvalidOperationException("The manifest's length changed when the section hashes were filled in.");
        }

        var meta = new byte[HeaderFormat.MetaLength(manifest.Length)];
        manifest.CopyTo(meta, 0);
        _signer.PublicKey.SubjectPublicKeyInfo.Span.CopyTo(meta.AsSpan(manifest.Length));
        var signature = _signer.SignHash(SignedMessage.Digest(header, manifest));
        signature.CopyTo(meta.AsSpan(manifest.Length + HeaderFormat.PublicKeyLength));

        if (cipher is null)
        {
            await destination.WriteAsync(meta, ct).ConfigureAwait(false);
            return;
        }

        long first = HeaderFormat.ChunkCount(_layout.Total, ChunkSize);
        var (ciphertext, tags) = EncryptRegion(cipher, meta, first, lastRegion: true);
        await destination.WriteAsync(ciphertext, ct).ConfigureAwait(false);
        await destination.WriteAsync(tags, ct).ConfigureAwait(false);
    }

    private byte[] SerializeManifest(IReadOnlyList<ManifestSection> sections) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Manifest(HeaderFormat.Version, Id.ToString(), _content.Spec, _content.Build, sections),
            ManifestJson.Options);

    private byte[][] HashSections(CancellationToken ct)
    {
        var hashes = new byte[_content.Sections.Count][];
        for (int i = 0; i < hashes.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            hashes[i] = SHA256.HashData(_content.Sections[i].Data.Span);
        }

        return hashes;
    }

    private async Task WriteEncryptedSectionsAsync(Stream destination, ChunkCipher cipher, CancellationToken ct)
    {
        long total = _layout.Total;
        int chunkSize = ChunkSize;
        long chunks = HeaderFormat.ChunkCount(total, chunkSize);
        if (chunks == 0) return;
        int bufferSize = (int)Math.Min(chunkSize, total);
        var tags = new byte[chunks * HeaderFormat.TagLength];

        // Two buffers: one is encrypted into while the other is being written.
        byte[][] buffers = [GC.AllocateUninitializedArray<byte>(bufferSize), GC.AllocateUninitializedArray<byte>(bufferSize)];
        byte[]? staging = null;
        Task pending = Task.CompletedTask;
        for (long i = 0; i < chunks; i++)
        {
            ct.ThrowIfCancellationRequested();
            long start = i * chunkSize;
            int length = (int)Math.Min(chunkSize, total - start);
            var plaintext = Gather(start, length, ref staging);
            var buffer = buffers[i & 1];
            cipher.Encrypt(i, last: false, plaintext.Span, buffer.AsSpan(0, length), tags.AsSpan((int)(i * HeaderFormat.TagLength), HeaderFormat.TagLength));
            await pending.ConfigureAwait(false);
            pending = destination.WriteAsync(buffer.AsMemory(0, length), ct).AsTask();
        }

        await pending.ConfigureAwait(false);
        await destination.WriteAsync(tags, ct).ConfigureAwait(false);
    }

    // The body bytes [start, start + length): a slice of one section when the chunk lies inside
    // it (no copy), otherwise the pieces copied together.
    private ReadOnlyMemory<byte> Gather(long start, int length, ref byte[]? staging)
    {
        int i = _layout.IndexAt(start);
        long offset = start - _layout.StartOf(i);
        var data = _content.Sections[i].Data;
        if (offset + length <= data.Length) return data.Slice((int)offset, length);

        staging ??= GC.AllocateUninitializedArray<byte>(ChunkSize);
        int filled = 0;
        while (filled < length)
        {
            var piece = _content.Sections[i].Data[(int)offset..];
            int n = Math.Min(piece.Length, length - filled);
            piece.Span[..n].CopyTo(staging.AsSpan(filled));
            filled += n;
            i++;
            offset = 0;
        }

        return staging.AsMemory(0, length);
    }

    private (byte[] Ciphertext, byte[] Tags) EncryptRegion(ChunkCipher cipher, byte[] plaintext, long firstIndex, bool lastRegion)
    {
        long chunks = HeaderFormat.ChunkCount(plaintext.Length, ChunkSize);
        var ciphertext = new byte[plaintext.Length];
        var tags = new byte[chunks * HeaderFormat.TagLength];
        for (long c = 0; c < chunks; c++)
        {
            int start = (int)(c * ChunkSize);
            int length = Math.Min(ChunkSize, plaintext.Length - start);
            cipher.Encrypt(
                firstIndex + c,
                lastRegion && c == chunks - 1,
                plaintext.AsSpan(start, length),
                ciphertext.AsSpan(start, length),
                tags.AsSpan((int)(c * HeaderFormat.TagLength), HeaderFormat.TagLength));
        }

        return (ciphertext, tags);
    }
}
