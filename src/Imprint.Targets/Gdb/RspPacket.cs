using System.Buffers;
using System.Text;

namespace Imprint.Targets.Gdb;

/// <summary>
/// One GDB Remote Serial Protocol packet, and the codec for its frame <c>$data#cs</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Payload"/> always holds the logical bytes: on the wire the sender escapes
/// <c>}</c> <c>#</c> <c>$</c> <c>*</c> as <c>}</c> followed by the byte XOR 0x20, and a stub
/// may compress runs as <c>c*n</c> (the character <c>n</c> minus 29 is the number of extra
/// copies of <c>c</c>). <see cref="Encode(ReadOnlySpan{byte})"/> escapes and never compresses;
/// <see cref="TryDecode"/> expands runs first, then removes escapes.
/// </para>
/// <para>
/// Escaping every special byte is harmless for text packets: commands and replies in text
/// never contain them, and binary packets (<c>X</c>, <c>vFlashWrite</c>, <c>qXfer</c>
/// replies) require it.
/// </para>
/// </remarks>
public sealed class RspPacket
{
    private const byte Escape = (byte)'}';
    /// <summary>Gets the bytes that must be escaped inside a frame.</summary>
    internal static System.Buffers.SearchValues<byte> Special { get; } = System.Buffers.SearchValues.Create("}#$*"u8);


    private RspPacket(RspPacketKind kind, ReadOnlyMemory<byte> payload)
    {
        Kind = kind;
        Payload = payload;
    }

    /// <summary>Gets the interrupt (Ctrl-C, byte 0x03) pseudo-packet.</summary>
    public static RspPacket Interrupt { get; } = new(RspPacketKind.Interrupt, ReadOnlyMemory<byte>.Empty);

    /// <summary>Gets what was received.</summary>
    public RspPacketKind Kind { get; }

    /// <summary>Gets the logical payload (escapes removed, runs expanded).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the payload as Latin-1 text (one character per byte).</summary>
    public string Text => Encoding.Latin1.GetString(Payload.Span);

    /// <summary>Gets a value indicating whether the payload is empty (the reply for an unsupported packet).</summary>
    public bool IsEmpty => Payload.IsEmpty;

    /// <summary>Creates a data packet holding <paramref name="payload"/>.</summary>
    /// <param name="payload">The logical payload.</param>
    /// <returns>The packet.</returns>
    public static RspPacket FromPayload(ReadOnlyMemory<byte> payload) => new(RspPacketKind.Packet, payload);

    /// <summary>Creates a data packet holding <paramref name="text"/> as Latin-1 bytes.</summary>
    /// <param name="text">The logical payload.</param>
    /// <returns>The packet.</returns>
    public static RspPacket FromText(string text) => new(RspPacketKind.Packet, Encoding.Latin1.GetBytes(text));

    /// <summary>Computes the frame checksum: the sum of the bytes modulo 256.</summary>
    /// <param name="body">The bytes between <c>$</c> (or <c>%</c>) and <c>#</c>, as sent.</param>
    /// <returns>The checksum.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static byte Checksum(ReadOnlySpan<byte> body)
    {
        uint sum = 0;
        foreach (byte b in body) sum += b;
        return (byte)sum;
    }

    /// <summary>Gets a value indicating whether <paramref name="value"/> must be escaped inside a frame.</summary>
    /// <param name="value">The byte.</param>
    /// <returns><see langword="true"/> for <c>}</c> <c>#</c> <c>$</c> <c>*</c>.</returns>
    public static bool NeedsEscape(byte value) => value is (byte)'}' or (byte)'#' or (byte)'$' or (byte)'*';

    /// <summary>Returns the number of bytes <paramref name="payload"/> takes between <c>$</c> and <c>#</c> once escaped.</summary>
    /// <param name="payload">The logical payload.</param>
    /// <returns>The escaped length.</returns>
    public static int EscapedLength(ReadOnlySpan<byte> payload)
    {
        int length = payload.Length;
        int at;
        while ((at = payload.IndexOfAny(Special)) >= 0)
        {
            length++;
            payload = payload[(at + 1)..];
        }

        return length;
    }

    /// <summary>Encodes a complete frame <c>$escaped-payload#cs</c>.</summary>
    /// <param name="payload">The logical payload.</param>
    /// <returns>The frame bytes, ready to send.</returns>
    public static byte[] Encode(ReadOnlySpan<byte> payload) => Encode(payload, (byte)'$');

    /// <summary>Encodes a complete frame <c>$escaped-payload#cs</c> from Latin-1 text.</summary>
    /// <param name="payload">The logical payload.</param>
    /// <returns>The frame bytes, ready to send.</returns>
    public static byte[] Encode(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Encode(Encoding.Latin1.GetBytes(payload));
    }

    /// <summary>Encodes a notification frame <c>%escaped-payload#cs</c>.</summary>
    /// <param name="payload">The logical payload (for example <c>Stop:T05</c>).</param>
    /// <returns>The frame bytes, ready to send.</returns>
    public static byte[] EncodeNotification(ReadOnlySpan<byte> payload) => Encode(payload, (byte)'%');

    /// <summary>
    /// Decodes the body of a frame (the bytes between <c>$</c> and <c>#</c>): expands runs,
    /// then removes escapes.
    /// </summary>
    /// <param name="body">The body as received.</param>
    /// <param name="payload">The logical payload.</param>
    /// <returns><see langword="false"/> when the body is malformed (a run with no character before it,
    /// an invalid count, or a trailing escape).</returns>
    public static bool TryDecode(ReadOnlySpan<byte> body, out byte[] payload)
    {
        payload = [];
        if (body.IndexOfAny((byte)'*', Escape) < 0)
        {
            payload = body.ToArray();
            return true;
        }

        var expanded = new ArrayBufferWriter<byte>(body.Length * 2);
        for (int i = 0; i < body.Length; i++)
        {
            byte b = body[i];
            if (b != (byte)'*')
            {
                expanded.GetSpan(1)[0] = b;
                expanded.Advance(1);
                continue;
            }

            if (expanded.WrittenCount == 0 || i + 1 >= body.Length) return false;
            int extra = body[++i] - 29;
            if (extra < 3 || extra > 97) return false;
            byte repeated = expanded.WrittenSpan[^1];
            expanded.GetSpan(extra)[..extra].Fill(repeated);
            expanded.Advance(extra);
        }

        var raw = expanded.WrittenSpan;
        var result = new byte[raw.Length];
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == Escape)
            {
                if (++i >= raw.Length) return false;
                result[n++] = (byte)(raw[i] ^ 0x20);
            }
            else
            {
                result[n++] = raw[i];
            }
        }

        payload = n == result.Length ? result : result[..n];
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RspPacketKind.Interrupt => "<interrupt>",
        RspPacketKind.Notification => "%" + Text,
        _ => "$" + Text,
    };

    internal static RspPacket Notification(ReadOnlyMemory<byte> payload) => new(RspPacketKind.Notification, payload);

    private static byte[] Encode(ReadOnlySpan<byte> payload, byte start)
    {
        int bodyLength = EscapedLength(payload);
        var frame = new byte[bodyLength + 4];
        frame[0] = start;
        var body = frame.AsSpan(1, bodyLength);
        if (bodyLength == payload.Length)
        {
            payload.CopyTo(body);
        }
        else
        {
            int n = 0, at;
            while ((at = payload.IndexOfAny(Special)) >= 0)
            {
                payload[..at].CopyTo(body[n..]);
                n += at;
                body[n++] = Escape;
                body[n++] = (byte)(payload[at] ^ 0x20);
                payload = payload[(at + 1)..];
            }

            payload.CopyTo(body[n..]);
        }

        byte cs = Checksum(body);
        frame[^3] = (byte)'#';
        frame[^2] = RspHex.Digit(cs >> 4);
        frame[^1] = RspHex.Digit(cs & 0xF);
        return frame;
    }
}
