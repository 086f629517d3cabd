using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Imprint.Images;

/// <summary>
/// The 16-byte unique id of one built image; every build gets a fresh random one. Written as
/// 32 lower-case hexadecimal digits.
/// </summary>
public readonly record struct ImageId
{
    /// <summary>The length in bytes.</summary>
    public const int Length = 16;

    private readonly UInt128 _value;

    private ImageId(UInt128 value) => _value = value;

    /// <summary>Returns a new random id.</summary>
    /// <returns>The id.</returns>
    public static ImageId New()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return FromBytes(bytes);
    }

    /// <summary>Creates an id from its 16 bytes.</summary>
    /// <param name="bytes">The bytes, as an image header stores them.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public static ImageId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException("An image id is 16 bytes.", nameof(bytes));
        return new ImageId(BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>Parses 32 hexadecimal digits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="id">The id when parsed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is an id.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ImageId id)
    {
        id = default;
        if (text is not { Length: Length * 2 }) return false;
        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(text, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        id = FromBytes(bytes);
        return true;
    }

    /// <summary>Parses 32 hexadecimal digits.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not an id.</exception>
    public static ImageId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not an image id (32 hexadecimal digits).");

    /// <summary>Writes the 16 bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 16 bytes.</param>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, _value);

    /// <summary>Returns the 16 bytes.</summary>
    /// <returns>A new array.</returns>
    public byte[] ToByteArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Returns the id as 32 lower-case hexadecimal digits.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
