using System.Globalization;
using System.Text;

namespace Imprint.Targets.Gdb;

/// <summary>
/// Hexadecimal text as the GDB Remote Serial Protocol uses it: lowercase digits on output,
/// either case on input, numbers most significant digit first, memory byte by byte.
/// </summary>
public static class RspHex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Returns the lowercase hex digit for a value 0–15.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The ASCII digit.</returns>
    public static byte Digit(int value) => Digits[value & 0xF];

    /// <summary>Writes two hex digits per byte of <paramref name="data"/> into <paramref name="destination"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="destination">Receives <c>2 * data.Length</c> ASCII digits.</param>
    public static void Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < data.Length * 2) throw new ArgumentException("The destination is too small.", nameof(destination));
        Convert.TryToHexStringLower(data, destination, out _);
    }

    /// <summary>Returns <paramref name="data"/> as lowercase hex text.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>Two digits per byte.</returns>
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data);

    /// <summary>Returns the ASCII text of <paramref name="text"/> as hex (as <c>qRcmd</c> and <c>O</c> packets carry it).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Two digits per character.</returns>
    public static string EncodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(Encoding.Latin1.GetBytes(text));
    }

    /// <summary>Decodes hex digits into bytes.</summary>
    /// <param name="hex">An even number of hex digits, either case.</param>
    /// <param name="destination">Receives <c>hex.Length / 2</c> bytes.</param>
    /// <returns><see langword="false"/> when the text is not an even run of hex digits or the destination is too small.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if ((hex.Length & 1) != 0 || destination.Length < hex.Length / 2) return false;
        return Convert.FromHexString(hex, destination[..(hex.Length / 2)], out _, out _) == System.Buffers.OperationStatus.Done;
    }

    /// <summary>Decodes hex text into bytes.</summary>
    /// <param name="hex">An even number of hex digits, either case.</param>
    /// <param name="data">The bytes.</param>
    /// <returns><see langword="false"/> when the text is not an even run of hex digits.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> hex, out byte[] data)
    {
        data = new byte[hex.Length / 2];
        return TryDecode(hex, data.AsSpan());
    }

    /// <summary>Decodes hex text (as in an <c>O</c> packet or a <c>qRcmd</c>) into Latin-1 text.</summary>
    /// <param name="hex">An even number of hex digits.</param>
    /// <param name="text">The text.</param>
    /// <returns><see langword="false"/> when the input is not hex.</returns>
    public static bool TryDecodeText(ReadOnlySpan<byte> hex, out string text)
    {
        text = "";
        if (!TryDecode(hex, out byte[] data)) return false;
        text = Encoding.Latin1.GetString(data);
        return true;
    }

    /// <summary>Parses a hexadecimal number (an address, a length, a register number).</summary>
    /// <param name="hex">One to sixteen hex digits, either case.</param>
    /// <param name="value">The number.</param>
    /// <returns><see langword="false"/> when the text is empty, too long or not hex.</returns>
    public static bool TryParseNumber(ReadOnlySpan<byte> hex, out ulong value)
    {
        value = 0;
        if (hex.IsEmpty || hex.Length > 16) return false;
        foreach (byte c in hex)
        {
            int v = Value(c);
            if (v < 0) return false;
            value = (value << 4) | (uint)v;
        }

        return true;
    }

    /// <summary>Parses a hexadecimal number from text.</summary>
    /// <param name="hex">One to sixteen hex digits, either case.</param>
    /// <param name="value">The number.</param>
    /// <returns><see langword="false"/> when the text is empty, too long or not hex.</returns>
    public static bool TryParseNumber(ReadOnlySpan<char> hex, out ulong value) =>
        ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && !hex.IsEmpty;

    /// <summary>Formats a number as lowercase hex with no leading zeros (as addresses and lengths are sent).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The digits.</returns>
    public static string FormatNumber(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Returns the value of a hex digit, or -1.</summary>
    /// <param name="c">The ASCII character.</param>
    /// <returns>0–15, or -1 when <paramref name="c"/> is not a hex digit.</returns>
    public static int Value(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
