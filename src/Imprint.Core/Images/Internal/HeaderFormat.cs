using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Imprint.Checksums;
using Imprint.Keys;
using Imprint.Projects;

namespace Imprint.Images.Internal;

/// <summary>
/// The fixed 192-byte header of format version 1 (docs/image-format.md, "Header"): offsets,
/// limits, encoding and validation.
/// </summary>
internal static class HeaderFormat
{
    public const int Length = 192;
    public const ushort Version = 1;
    public const int TagLength = 16;
    public const int NonceLength = 12;
    public const int DataKeyLength = 32;
    public const int PublicKeyLength = SigningPublicKey.CanonicalLength;
    public const int SignatureLength = 64;
    public const int DefaultChunkSize = 1 << 20;
    public const int MinChunkSize = 4 << 10;
    public const int MaxChunkSize = 64 << 20;
    public const int MaxSections = 65_536;
    public const int MaxManifestLength = 16 << 20;

    // Field offsets.
    public const int Magic = 0;
    public const int FormatVersion = 8;
    public const int HeaderLength = 10;
    public const int Type = 12;
    public const int Flags = 13;
    public const int Reserved1 = 14;
    public const int ImageId = 16;
    public const int Signer = 32;
    public const int KeyId = 48;
    public const int SectionCount = 80;
    public const int ManifestLength = 84;
    public const int SectionsLength = 88;
    public const int PublicKeyLen = 96;
    public const int SignatureLen = 98;
    public const int ChunkSize = 100;
    public const int WrapNonce = 104;
    public const int WrappedKey = 116;
    public const int WrapTag = 148;
    public const int BaseNonce = 164;
    public const int Reserved2 = 176;
    public const int Crc = 188;

    /// <summary>The key wrap authenticates the header up to (not including) the wrap fields.</summary>
    public const int WrapAadLength = WrapNonce;

    public const byte EncryptedFlag = 0x01;

    public static ReadOnlySpan<byte> MagicBytes => "IMPRINT\0"u8;

    /// <summary>Stored length of a region: plaintext length, plus one tag per chunk when encrypted.</summary>
    public static long StoredLength(long length, int chunkSize) =>
        chunkSize == 0 ? length : length + (TagLength * ChunkCount(length, chunkSize));

    public static long ChunkCount(long length, int chunkSize) => (length + chunkSize - 1) / chunkSize;

    public static long FileLength(long sectionsLength, int manifestLength, int chunkSize) =>
        Length + StoredLength(sectionsLength, chunkSize) + StoredLength(MetaLength(manifestLength), chunkSize);

    public static int MetaLength(int manifestLength) => manifestLength + PublicKeyLength + SignatureLength;

    /// <summary>Encodes a header; the wrap fields and CRC are filled in by the caller.</summary>
    public static byte[] Encode(ImageType type, ImageId id, ReadOnlySpan<byte> signer, string? keyId, int sectionCount, long sectionsLength, int manifestLength, int chunkSize)
    {
        var h = new byte[Length];
        MagicBytes.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(FormatVersion), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(HeaderLength), Length);
        h[Type] = type == ImageType.Job ? (byte)1 : (byte)0;
        h[Flags] = keyId is null ? (byte)0 : EncryptedFlag;
        id.WriteTo(h.AsSpan(ImageId));
        signer.CopyTo(h.AsSpan(Signer, SigningPublicKey.FingerprintLength));
        if (keyId is not null) Encoding.ASCII.GetBytes(keyId, h.AsSpan(KeyId, EncryptionKey.MaxIdLength));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(SectionCount), (uint)sectionCount);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ManifestLength), (uint)manifestLength);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(SectionsLength), (ulong)sectionsLength);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(PublicKeyLen), PublicKeyLength);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(SignatureLen), SignatureLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(ChunkSize), (uint)chunkSize);
        return h;
    }

    public static void SealCrc(Span<byte> header) =>
        BinaryPrimitives.WriteUInt32LittleEndian(header[Crc..], Crc32.Compute(header[..Crc]));

    /// <summary>
    /// Decodes and checks a header. <paramref name="available"/> is how many bytes of the file
    /// exist, used to tell a truncated file from a damaged header.
    /// </summary>
    public static ImageHeader Decode(ReadOnlySpan<byte> bytes, string name, long available)
    {
        if (bytes.Length < MagicBytes.Length || !bytes[..MagicBytes.Length].SequenceEqual(MagicBytes))
        {
            throw new ImageException($"{name} is not an Imprint image: it does not start with the 'IMPRINT' signature bytes.");
        }

        if (bytes.Length < Length)
        {
            throw new ImageException($"{name} is truncated: it is {available} bytes long, shorter than the {Length}-byte header.");
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[HeaderLength..]);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[FormatVersion..]);

        // The CRC catches accidental damage with a precise message; deliberate edits are caught
        // by the signature and the AES-GCM tags, which cover every header byte.
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[Crc..]);
        if (headerLength != Length || storedCrc != Crc32.Compute(bytes[..Crc]))
        {
            if (version != Version && headerLength != Length)
            {
                throw new ImageException($"{name} uses image format version {version}; this Imprint reads version {Version}.");
            }

            throw new ImageException($"{name}: the header is damaged (its CRC-32 does not match); the file was corrupted or modified.");
        }

        if (version != Version)
        {
            throw new ImageException($"{name} uses image format version {version}; this Imprint reads version {Version}.");
        }

        byte type = bytes[Type];
        if (type > 1) throw Invalid(name, "image type", type);
        byte flags = bytes[Flags];
        if ((flags & ~EncryptedFlag) != 0) throw Invalid(name, "flags", flags);
        if (bytes.Slice(Reserved1, 2).ContainsAnyExcept((byte)0) || bytes.Slice(Reserved2, Crc - Reserved2).ContainsAnyExcept((byte)0))
        {
            throw new ImageException($"{name}: reserved header bytes are not zero.");
        }

        bool encrypted = (flags & EncryptedFlag) != 0;
        string? keyId = DecodeKeyId(bytes.Slice(KeyId, EncryptionKey.MaxIdLength), name, encrypted);

        uint sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes[SectionCount..]);
        if (sectionCount > MaxSections) throw Invalid(name, "section count", sectionCount);
        uint manifestLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[ManifestLength..]);
        if (manifestLength is 0 or > MaxManifestLength) throw Invalid(name, "manifest length", manifestLength);
        ulong sectionsLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes[SectionsLength..]);
        if (sectionsLength > (ulong)Array.MaxLength) throw Invalid(name, "sections length", sectionsLength);
        ushort publicKeyLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[PublicKeyLen..]);
        if (publicKeyLength != PublicKeyLength) throw Invalid(name, "public key length", publicKeyLength);
        ushort signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[SignatureLen..]);
        if (signatureLength != SignatureLength) throw Invalid(name, "signature length", signatureLength);
        uint chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[ChunkSize..]);
        if (encrypted ? chunkSize is < MinChunkSize or > MaxChunkSize || !BitOperations.IsPow2(chunkSize) : chunkSize != 0)
        {
            throw Invalid(name, "chunk size", chunkSize);
        }

        if (!encrypted && bytes[WrapNonce..Reserved2].ContainsAnyExcept((byte)0))
        {
            throw new ImageException($"{name}: the header holds key-wrap fields but is not marked encrypted.");
        }

        long fileLength = FileLength((long)sectionsLength, (int)manifestLength, (int)chunkSize);
        if (fileLength > Array.MaxLength)
        {
            throw new ImageException($"{name} describes a {fileLength}-byte image; images larger than 2 GiB are not supported.");
        }

        return new ImageHeader
        {
            FormatVersion = version,
            Type = type == 1 ? ImageType.Job : ImageType.Sap,
            Id = Images.ImageId.FromBytes(bytes.Slice(ImageId, Images.ImageId.Length)),
            KeyId = keyId,
            SignerFingerprint = Convert.ToHexStringLower(bytes.Slice(Signer, SigningPublicKey.FingerprintLength)),
            SectionCount = (int)sectionCount,
            SectionsLength = (long)sectionsLength,
            ManifestLength = (int)manifestLength,
            ChunkSize = (int)chunkSize,
            FileLength = fileLength,
        };
    }

    /// <summary>Checks the file is exactly as long as the header says.</summary>
    public static void CheckLength(ImageHeader header, long actual, string name)
    {
        if (actual < header.FileLength)
        {
            throw new ImageException($"{name} is truncated: the header describes {header.FileLength} bytes but the file has {actual}.");
        }

        if (actual > header.FileLength)
        {
            long extra = actual - header.FileLength;
            throw new ImageException($"{name} has {extra} unexpected {(extra == 1 ? "byte" : "bytes")} after the end of the image ({header.FileLength} bytes).");
        }
    }

    private static string? DecodeKeyId(ReadOnlySpan<byte> field, string name, bool encrypted)
    {
        int end = field.IndexOf((byte)0);
        if (end < 0) end = field.Length;
        if (field[end..].ContainsAnyExcept((byte)0))
        {
            throw new ImageException($"{name}: the header's key id field is malformed.");
        }

        if (!encrypted)
        {
            return end == 0 ? null : throw new ImageException($"{name}: the header names an encryption key but is not marked encrypted.");
        }

        var id = Encoding.ASCII.GetString(field[..end]);
        return EncryptionKey.IsValidId(id) ? id : throw new ImageException($"{name}: the header's key id field is malformed.");
    }

    private static ImageException Invalid(string name, string field, ulong value) =>
        new($"{name}: the header field '{field}' holds an invalid value {value}.");
}
