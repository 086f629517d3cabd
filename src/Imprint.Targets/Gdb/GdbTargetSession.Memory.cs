using Imprint.Targets.Gdb.Internal;

namespace Imprint.Targets.Gdb;

/// <summary>Memory reads and writes, split to the server's packet size.</summary>
public sealed partial class GdbTargetSession
{
    // A reply to 'm' carries two hex digits per byte and must fit the server's buffer too.
    private int ReadChunk => Math.Max(4, (MaxBody / 2) & ~3);

    /// <inheritdoc/>
    public async Task ReadMemoryAsync(ulong address, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await ReadCoreAsync(client, address, destination, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task WriteMemoryAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await WriteCoreAsync(client, address, data, null, cancellationToken).ConfigureAwait(false);
        _erased.Remove(address, address + (ulong)data.Length);
    }

    private async Task ReadCoreAsync(GdbClient client, ulong address, Memory<byte> destination, Action<int>? advanced, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int length = Math.Min(ReadChunk, destination.Length - done);
            ulong at = address + (ulong)done;
            byte[] data = await client.ReadMemoryAsync(at, length, cancellationToken).ConfigureAwait(false);
            data.CopyTo(destination[done..]);
            done += data.Length;
            advanced?.Invoke(data.Length);
        }
    }

    // Writes with X (escaped binary) when the server accepts it, else M (hex). A server that
    // answers X with an empty reply does not support it (QEMU); OpenOCD may report an X
    // failure only in its reply to the next packet, so a final empty X collects it.
    private async Task WriteCoreAsync(GdbClient client, ulong address, ReadOnlyMemory<byte> data, Action<int>? advanced, CancellationToken cancellationToken)
    {
        if (_binaryWrites is null && !data.IsEmpty)
        {
            // Probe as GDB does, with an empty write: an empty reply means no X.
            string probe = await client.WriteMemoryBinaryAsync(address, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _binaryWrites = probe.Length > 0;
        }

        int done = 0;
        ulong? previous = null;
        while (done < data.Length)
        {
            ulong at = address + (ulong)done;
            var rest = data[done..];
            if (_binaryWrites != false)
            {
                int header = GdbClient.BinaryWriteHeaderLength(at, rest.Length);
                int count = FitEscaped(rest.Span, MaxBody - header);
                string reply = await client.WriteMemoryBinaryAsync(at, rest[..count], cancellationToken).ConfigureAwait(false);
                if (reply != "OK") throw BinaryWriteFailed(client, reply, at, count, previous);
                previous = at;
                done += count;
                advanced?.Invoke(count);
                continue;
            }

            int hexHeader = GdbClient.HexWriteHeaderLength(at, rest.Length);
            int n = Math.Min(rest.Length, (MaxBody - hexHeader) / 2);
            try
            {
                await client.WriteMemoryHexAsync(at, rest[..n], cancellationToken).ConfigureAwait(false);
            }
            catch (TargetException ex) when (!ex.IsTransient && IsFlash(at) && _memoryMap is null)
            {
                throw new TargetException($"{ex.Message.TrimEnd('.')}; the server offers no flash memory map, so flash at 0x{at:X8} can only be written with memory writes.", address: at, innerException: ex);
            }

            done += n;
            advanced?.Invoke(n);
        }

        if (previous is ulong last && _binaryWrites == true)
        {
            ulong end = address + (ulong)data.Length;
            string reply = await client.WriteMemoryBinaryAsync(end, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (reply.Length > 0 && reply != "OK") throw BinaryWriteFailed(client, reply, end, 0, last);
        }
    }

    private static TargetException BinaryWriteFailed(GdbClient client, string reply, ulong at, int count, ulong? previous)
    {
        if (!GdbClient.IsError(reply)) return client.Unexpected(reply, $"writing {count} bytes at 0x{at:X8}", at);
        return previous is ulong p
            ? new TargetException($"The debug server at {client.Endpoint} answered {reply} to a memory write; the write at 0x{p:X8} or the one at 0x{at:X8} failed.", address: p)
            : client.ErrorReply(reply, $"writing {count} bytes at 0x{at:X8}", at);
    }

    // The number of leading bytes of data whose escaped form fits in budget bytes.
    private static int FitEscaped(ReadOnlySpan<byte> data, int budget)
    {
        int used = 0, i = 0;
        for (; i < data.Length; i++)
        {
            int cost = RspPacket.NeedsEscape(data[i]) ? 2 : 1;
            if (used + cost > budget) break;
            used += cost;
        }

        return Math.Max(i, 1);
    }

    private bool IsFlash(ulong address) =>
        _device.RegionAt(address)?.Kind is Devices.MemoryKind.Flash or Devices.MemoryKind.Otp or Devices.MemoryKind.OptionBytes;
}
