using System.Text;

namespace Imprint.Targets.Gdb.Internal;

/// <summary>
/// Bulk memory transfers with several requests in flight: round trips, not bandwidth, bound
/// a debug link, so up to <c>depth</c> packets are sent before their replies are read.
/// </summary>
internal sealed partial class GdbClient
{
    /// <summary>One memory write request of a pipelined batch.</summary>
    public readonly record struct WriteChunk(ulong Address, ReadOnlyMemory<byte> Data, bool Binary);

    /// <summary>
    /// Sends <c>M</c>/<c>X</c> writes with up to <paramref name="depth"/> in flight. Replies come in
    /// order; an error reply settles the outstanding ones before it is thrown. Writes to
    /// disjoint addresses commute, so a resend after a <c>-</c> (which reorders) is harmless.
    /// </summary>
    /// <returns>The index of the chunk whose reply was an error with the reply text, or (-1, null).</returns>
    public async Task<(int Index, string? Reply)> WriteMemoryPipelinedAsync(IReadOnlyList<WriteChunk> chunks, int depth, Action<int>? advanced, CancellationToken cancellationToken)
    {
        int sent = 0, received = 0;
        (int Index, string? Reply) failure = (-1, null);
        while (received < sent || sent < chunks.Count)
        {
            while (failure.Index < 0 && sent < chunks.Count && sent - received < depth)
            {
                var c = chunks[sent++];
                string operation = $"writing {c.Data.Length} bytes at 0x{c.Address:X8}";
                await SendAsync(WritePayload(c), operation, c.Address, cancellationToken).ConfigureAwait(false);
            }

            if (received == sent) break;
            var chunk = chunks[received];
            string reply = (await ReceivePacketAsync($"writing {chunk.Data.Length} bytes at 0x{chunk.Address:X8}", chunk.Address, cancellationToken).ConfigureAwait(false)).Text;
            if (reply != "OK" && failure.Index < 0) failure = (received, reply);
            if (failure.Index < 0) advanced?.Invoke(chunk.Data.Length);
            received++;
        }

        return failure;
    }

    /// <summary>
    /// Reads <paramref name="destination"/> with <c>m</c> requests of <paramref name="chunk"/>
    /// bytes, up to <paramref name="depth"/> in flight. <c>m</c> replies do not name their address, so
    /// when a frame had to be resent during the batch (replies may then be out of order) the
    /// batch is read again one request at a time; a short reply is completed afterwards.
    /// </summary>
    public async Task ReadMemoryPipelinedAsync(ulong address, Memory<byte> destination, int chunk, int depth, Action<int>? advanced, CancellationToken cancellationToken)
    {
        int count = (destination.Length + chunk - 1) / chunk;
        var got = new int[count];
        int retransmits = Connection.RetransmitCount;
        int sent = 0, received = 0;
        TargetException? failure = null;
        while (received < count)
        {
            while (failure is null && sent < count && sent - received < depth)
            {
                (ulong at, int length) = Piece(sent++);
                await SendAsync(Encoding.Latin1.GetBytes($"m{Hex(at)},{Hex((ulong)length)}"), $"reading {length} bytes at 0x{at:X8}", at, cancellationToken).ConfigureAwait(false);
            }

            if (received == sent) break;
            (ulong from, int size) = Piece(received);
            string operation = $"reading {size} bytes at 0x{from:X8}";
            var reply = await ReceivePacketAsync(operation, from, cancellationToken).ConfigureAwait(false);
            var span = reply.Payload.Span;
            if (failure is null)
            {
                if ((span.Length == 3 && span[0] == 'E') || span.StartsWith("E."u8)) failure = ErrorReply(reply.Text, operation, from);
                else if (span.Length == 0 || span.Length > 2 * size || !RspHex.TryDecode(span, destination.Span.Slice(received * chunk, span.Length / 2))) failure = Unexpected(reply.Text, operation, from);
                else got[received] = span.Length / 2;
            }

            received++;
        }

        if (Connection.RetransmitCount != retransmits && count > 1)
        {
            Array.Clear(got);
            failure = null;
            depth = 1;
        }

        if (failure is not null) throw failure;

        // Sequentially complete anything the batch did not bring (short replies, a resend).
        for (int i = 0; i < count; i++)
        {
            (ulong at, int length) = Piece(i);
            while (got[i] < length)
            {
                byte[] data = await ReadMemoryAsync(at + (ulong)got[i], length - got[i], cancellationToken).ConfigureAwait(false);
                data.CopyTo(destination[((i * chunk) + got[i])..]);
                got[i] += data.Length;
            }

            advanced?.Invoke(length);
        }

        (ulong, int) Piece(int index) => (address + (ulong)(index * chunk), Math.Min(chunk, destination.Length - (index * chunk)));
    }

    private static byte[] WritePayload(WriteChunk c)
    {
        if (c.Binary) return BinaryPayload($"X{Hex(c.Address)},{Hex((ulong)c.Data.Length)}:", c.Data.Span);
        byte[] header = Encoding.Latin1.GetBytes($"M{Hex(c.Address)},{Hex((ulong)c.Data.Length)}:");
        var payload = new byte[header.Length + (2 * c.Data.Length)];
        header.CopyTo(payload, 0);
        RspHex.Encode(c.Data.Span, payload.AsSpan(header.Length));
        return payload;
    }

    private async Task<RspPacket> ReceivePacketAsync(string operation, ulong? address, CancellationToken cancellationToken)
    {
        while (true)
        {
            var packet = await ReceiveAsync(RequestTimeout, operation, address, cancellationToken).ConfigureAwait(false);
            if (packet.Kind == RspPacketKind.Packet) return packet;
        }
    }
}
