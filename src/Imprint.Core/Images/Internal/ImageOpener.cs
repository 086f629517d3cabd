using System.Security.Cryptography;
using System.Text.Json;
using Imprint.Keys;

namespace Imprint.Images.Internal;

/// <summary>
/// Opens one image: header, key, signature and manifest first (all small), then the section
/// data in a two-worker pipeline: one reads the file in blocks and hashes it as stored
/// (SHA-256 and CRC-32), the other decrypts the sections in place and hashes the plaintext.
/// Nothing is returned before every check has passed.
/// </summary>
internal sealed class ImageOpener(string name, IKeyProvider keys, IReadOnlyCollection<SigningPublicKey>? trustedSigners)
{
    private const int HashBlock = 1 << 20;

    public async Task<ProgrammingImage> OpenAsync(ImageSource source, CancellationToken ct)
    {
        var head = new byte[HeaderFormat.Length];
        int headLength = await source.ReadHeadAsync(head, ct).ConfigureAwait(false);
        var header = HeaderFormat.Decode(head.AsSpan(0, headLength), name, headLength);
        long actual = await source.MeasureAsync(header.FileLength, ct).ConfigureAwait(false);
        HeaderFormat.CheckLength(header, actual, name);

        var trusted = FindTrustedSigner(header);
        var dataKey = UnwrapDataKey(header, head);
        try
        {
            var buffer = source.Buffer;
            head.CopyTo(buffer, 0);
            long sectionsEnd = HeaderFormat.Length + header.SectionsLength;

            // Section tags and the meta region sit after the section data: read them first.
            await source.FillAsync(sectionsEnd, (int)(header.FileLength - sectionsEnd), ct).ConfigureAwait(false);
            var meta = ReadMeta(header, buffer, dataKey);
            var manifestBytes = meta.AsMemory(0, header.ManifestLength);
            var signer = VerifySignature(header, head, meta, trusted);
            var manifest = ReadManifest(header, manifestBytes.Span);
            var layout = SectionLayout.Check(manifest.Sections, manifest.Spec, name);

            var (sha256, crc32, hashes) = await ProcessSectionsAsync(source, header, head, layout, dataKey, ct).ConfigureAwait(false);
            for (int i = 0; i < hashes.Length; i++)
            {
                if (!string.Equals(Convert.ToHexStringLower(hashes[i]), manifest.Sections[i].Sha256, StringComparison.Ordinal))
                {
                    throw new ImageException($"{name}: section '{manifest.Sections[i].Name}' does not match its SHA-256; the file is damaged or was modified.");
                }
            }

            var sections = new ImageSection[layout.Sections.Count];
            for (int i = 0; i < sections.Length; i++)
            {
                var s = layout.Sections[i];
                var data = buffer.AsMemory((int)(HeaderFormat.Length + layout.StartOf(i)), (int)s.Length);
                sections[i] = new ImageSection(s.Name, s.Kind, s.Address, data);
            }

            return new ProgrammingImage(name, header, manifest.Spec, manifest.Build, sections, manifestBytes, sha256, crc32, signer, trusted is not null);
        }
        finally
        {
            if (dataKey is not null) CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    // A GCM tag covers a whole chunk, so name every section the chunk holds part of.
    private ImageException ChunkFailed(SectionLayout layout, long chunk, long start, int length)
    {
        int first = layout.IndexAt(start), last = layout.IndexAt(start + length - 1);
        var names = layout.Sections.Skip(first).Take(last - first + 1).Where(s => s.Length > 0).Select(s => $"'{s.Name}'").ToList();
        var list = names.Count <= 4 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(4))} and {names.Count - 4} more";
        var subject = names.Count == 1 ? $"section {list} does" : $"sections {list} do";
        return new ImageException($"{name}: {subject} not decrypt (chunk {chunk} fails authentication); the file is damaged or was modified.");
    }

    private SigningPublicKey? FindTrustedSigner(ImageHeader header)
    {
        if (trustedSigners is null) return null;
        return trustedSigners.FirstOrDefault(k => k.Fingerprint == header.SignerFingerprint)
            ?? throw new ImageException($"{name} is signed by key {header.SignerFingerprint}, which is not a trusted signer.");
    }

    private byte[]? UnwrapDataKey(ImageHeader header, byte[] head)
    {
        if (header.KeyId is not { } keyId) return null;
        var key = keys.FindEncryptionKey(keyId)
            ?? throw new ImageException($"{name} is encrypted with key {keyId}; this machine does not hold it.");
        return ChunkCipher.TryUnwrapKey(key.Material, head)
            ?? throw new ImageException($"{name}: the key held here as {keyId} does not unlock the image; it is a different key with the same id, or the header was modified.");
    }

    private byte[] ReadMeta(ImageHeader header, byte[] buffer, byte[]? dataKey)
    {
        int length = HeaderFormat.MetaLength(header.ManifestLength);
        long start = HeaderFormat.Length + HeaderFormat.StoredLength(header.SectionsLength, header.ChunkSize);
        if (dataKey is null) return buffer.AsSpan((int)start, length).ToArray();

        int chunkSize = header.ChunkSize;
        long first = HeaderFormat.ChunkCount(header.SectionsLength, chunkSize);
        long chunks = HeaderFormat.ChunkCount(length, chunkSize);
        var plaintext = new byte[length];
        using var cipher = new ChunkCipher(dataKey, buffer.AsSpan(HeaderFormat.BaseNonce, HeaderFormat.NonceLength), buffer.AsSpan(0, HeaderFormat.Length));
        for (long c = 0; c < chunks; c++)
        {
            int offset = (int)(c * chunkSize);
            int n = Math.Min(chunkSize, length - offset);
            var tag = buffer.AsSpan((int)(start + length + (c * HeaderFormat.TagLength)), HeaderFormat.TagLength);
            if (!cipher.TryDecrypt(first + c, c == chunks - 1, buffer.AsSpan((int)start + offset, n), tag, plaintext.AsSpan(offset, n)))
            {
                throw new ImageException($"{name}: the encrypted manifest does not decrypt (it fails authentication); the file is damaged or was modified.");
            }
        }

        return plaintext;
    }

    private SigningPublicKey VerifySignature(ImageHeader header, byte[] head, byte[] meta, SigningPublicKey? trusted)
    {
        var spki = meta.AsSpan(header.ManifestLength, HeaderFormat.PublicKeyLength);
        var signature = meta.AsSpan(header.ManifestLength + HeaderFormat.PublicKeyLength, HeaderFormat.SignatureLength);
        SigningPublicKey embedded;
        try
        {
            embedded = SigningPublicKey.FromSubjectPublicKeyInfo(spki, name);
        }
        catch (KeyException ex)
        {
            throw new ImageException($"{name}: the signer's public key is malformed; the file is damaged or was modified.", ex);
        }

        if (embedded.Fingerprint != header.SignerFingerprint)
        {
            throw new ImageException($"{name}: the signer's public key does not match the fingerprint in the header; the file is damaged or was modified.");
        }

        var key = trusted ?? embedded;
        var digest = SignedMessage.Digest(head, meta.AsSpan(0, header.ManifestLength));
        if (!key.VerifyHash(digest, signature))
        {
            throw new ImageException($"{name}: the signature does not verify; the header or manifest was modified after signing, or the file is damaged.");
        }

        return key;
    }

    private Manifest ReadManifest(ImageHeader header, ReadOnlySpan<byte> json)
    {
        var manifest = ManifestJson.Deserialize<Manifest>(json, name, "manifest");
        if (manifest.Format != header.FormatVersion)
        {
            throw new ImageException($"{name}: the manifest says format {manifest.Format} but the header says {header.FormatVersion}.");
        }

        if (!ImageId.TryParse(manifest.ImageId, out var id) || id != header.Id)
        {
            throw new ImageException($"{name}: the manifest's image id '{manifest.ImageId}' differs from the header's {header.Id}.");
        }

        if (manifest.Spec.Type != header.Type)
        {
            throw new ImageException($"{name}: the manifest describes a {manifest.Spec.Type.ToString().ToUpperInvariant()} image but the header says {header.Type.ToString().ToUpperInvariant()}.");
        }

        NullGuard.Check(manifest, name);
        long total = 0;
        foreach (var s in manifest.Sections)
        {
            if (s.Length < 0 || s.Length > header.SectionsLength - total)
            {
                throw new ImageException($"{name}: the manifest's sections are longer than the header's {header.SectionsLength} bytes.");
            }

            total += s.Length;
            if (s.Sha256.Length != 64 || !s.Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new ImageException($"{name}: section '{s.Name}' has a malformed SHA-256 in the manifest.");
            }
        }

        if (manifest.Sections.Count != header.SectionCount || total != header.SectionsLength)
        {
            throw new ImageException($"{name}: the manifest's section list does not match the header's section count and length.");
        }

        return manifest;
    }

    private async Task<(byte[] Sha256, uint Crc32, byte[][] Hashes)> ProcessSectionsAsync(
        ImageSource source, ImageHeader header, byte[] head, SectionLayout layout, byte[]? dataKey, CancellationToken ct)
    {
        var buffer = source.Buffer;
        long fileLength = header.FileLength;
        long sectionsEnd = HeaderFormat.Length + header.SectionsLength;
        var digested = new ProgressGate(0);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = cts.Token;

        async Task Guard(Func<Task> work)
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch
            {
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        byte[]? sha256 = null;
        uint crc32 = 0;
        byte[][]? hashes = null;

        // Worker 1 reads the section data block by block (the rest is already in memory) and
        // hashes each block while it is still in this core's cache.
        var digesting = Task.Run(() => Guard(async () =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            uint crc = 0;
            for (long at = 0; at < fileLength;)
            {
                long end = Math.Min(at + HashBlock, fileLength);
                long readFrom = Math.Max(at, HeaderFormat.Length), readTo = Math.Min(end, sectionsEnd);
                if (!source.IsLoaded && readFrom < readTo)
                {
                    await source.FillAsync(readFrom, (int)(readTo - readFrom), token).ConfigureAwait(false);
                }

                token.ThrowIfCancellationRequested();
                var block = buffer.AsSpan((int)at, (int)(end - at));
                sha.AppendData(block);
                crc = Crc32Folding.Append(crc, block);
                at = end;
                digested.Advance(at);
            }

            sha256 = sha.GetHashAndReset();
            crc32 = crc;
        }), token);

        // Worker 2 follows: it decrypts a chunk in place only once worker 1 has hashed its
        // ciphertext, then hashes the plaintext section by section.
        var hashing = Task.Run(() => Guard(async () =>
        {
            using var hasher = new SectionHasher(layout.Sections);
            if (dataKey is null)
            {
                for (long at = HeaderFormat.Length; at < sectionsEnd;)
                {
                    long end = Math.Min(at + HashBlock, sectionsEnd);
                    await digested.WaitAsync(end, token).ConfigureAwait(false);
                    hasher.Append(buffer.AsSpan((int)at, (int)(end - at)));
                    at = end;
                }
            }
            else
            {
                int chunkSize = header.ChunkSize;
                long chunks = HeaderFormat.ChunkCount(header.SectionsLength, chunkSize);
                using var cipher = new ChunkCipher(dataKey, head.AsSpan(HeaderFormat.BaseNonce, HeaderFormat.NonceLength), head);
                for (long i = 0; i < chunks; i++)
                {
                    long start = HeaderFormat.Length + (i * chunkSize);
                    int length = (int)Math.Min(chunkSize, sectionsEnd - start);
                    await digested.WaitAsync(start + length, token).ConfigureAwait(false);
                    var chunk = buffer.AsSpan((int)start, length);
                    var tag = buffer.AsSpan((int)(sectionsEnd + (i * HeaderFormat.TagLength)), HeaderFormat.TagLength);
                    if (!cipher.TryDecrypt(i, last: false, chunk, tag, chunk))
                    {
                        throw ChunkFailed(layout, i, start - HeaderFormat.Length, length);
                    }

                    hasher.Append(chunk);
                }
            }

            hashes = hasher.Hashes;
        }), token);

        try
        {
            await Task.WhenAll(digesting, hashing).ConfigureAwait(false);
        }
        catch
        {
            // Report the cause, not the cancellations it triggered in the other workers.
            var errors = new[] { hashing, digesting }
                .Where(t => t.IsFaulted)
                .Select(t => t.Exception!.InnerException!)
                .ToList();
            var cause = errors.FirstOrDefault(e => e is ImprintException) ?? errors.FirstOrDefault();
            if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            ct.ThrowIfCancellationRequested();
            throw;
        }

        return (sha256!, crc32, hashes!);
    }
}
