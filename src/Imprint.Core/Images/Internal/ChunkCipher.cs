using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Imprint.Images.Internal;

/// <summary>
/// AES-256-GCM over an image body in fixed-size chunks under one per-image data key
/// (docs/image-format.md, "Encryption"). Chunk <c>i</c> uses the base nonce with its last 8
/// bytes XORed with <c>i</c> (big-endian) and authenticates the header, <c>i</c> and whether it
/// is the file's last chunk, so chunks cannot be reordered, dropped or moved between images.
/// </summary>
/// <remarks>Not thread-safe: one instance per worker.</remarks>
internal sealed class ChunkCipher : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _baseNonce;
    private readonly byte[] _nonce = new byte[HeaderFormat.NonceLength];
    private readonly byte[] _aad;

    public ChunkCipher(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> baseNonce, ReadOnlySpan<byte> header)
    {
        _aes = new AesGcm(dataKey, HeaderFormat.TagLength);
        _baseNonce = baseNonce.ToArray();
        _aad = new byte[header.Length + 9];
        header.CopyTo(_aad);
    }

    public void Encrypt(long index, bool last, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        Prepare(index, last);
        _aes.Encrypt(_nonce, plaintext, ciphertext, tag, _aad);
    }

    /// <summary>Decrypts one chunk; <paramref name="ciphertext"/> and <paramref name="plaintext"/> may be the same memory.</summary>
    /// <returns><see langword="false"/> when the chunk does not authenticate.</returns>
    public bool TryDecrypt(long index, bool last, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        Prepare(index, last);
        try
        {
            _aes.Decrypt(_nonce, ciphertext, tag, plaintext, _aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();

    /// <summary>Wraps the data key under the customer key, authenticating the header's identity fields.</summary>
    public static void WrapKey(ReadOnlySpan<byte> customerKey, ReadOnlySpan<byte> dataKey, Span<byte> header)
    {
        using var aes = new AesGcm(customerKey, HeaderFormat.TagLength);
        var nonce = header.Slice(HeaderFormat.WrapNonce, HeaderFormat.NonceLength);
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(
            nonce,
            dataKey,
            header.Slice(HeaderFormat.WrappedKey, HeaderFormat.DataKeyLength),
            header.Slice(HeaderFormat.WrapTag, HeaderFormat.TagLength),
            header[..HeaderFormat.WrapAadLength]);
    }

    /// <returns>The data key, or <see langword="null"/> when the customer key does not unwrap it.</returns>
    public static byte[]? TryUnwrapKey(ReadOnlySpan<byte> customerKey, ReadOnlySpan<byte> header)
    {
        using var aes = new AesGcm(customerKey, HeaderFormat.TagLength);
        var dataKey = new byte[HeaderFormat.DataKeyLength];
        try
        {
            aes.Decrypt(
                header.Slice(HeaderFormat.WrapNonce, HeaderFormat.NonceLength),
                header.Slice(HeaderFormat.WrappedKey, HeaderFormat.DataKeyLength),
                header.Slice(HeaderFormat.WrapTag, HeaderFormat.TagLength),
                dataKey,
                header[..HeaderFormat.WrapAadLength]);
            return dataKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private void Prepare(long index, bool last)
    {
        _baseNonce.CopyTo(_nonce.AsSpan());
        var counter = _nonce.AsSpan(HeaderFormat.NonceLength - 8);
        BinaryPrimitives.WriteUInt64BigEndian(counter, BinaryPrimitives.ReadUInt64BigEndian(counter) ^ (ulong)index);
        int at = _aad.Length - 9;
        BinaryPrimitives.WriteUInt64LittleEndian(_aad.AsSpan(at), (ulong)index);
        _aad[^1] = last ? (byte)1 : (byte)0;
    }
}
