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

    private Task ReadCoreAsync(GdbClient client, ulong address, Memory<byte> destination, Action<int>? advanced, CancellationToken cancellationToken) =>
        client.ReadMemoryPipelinedAsync(address, destination, ReadChunk, Math.Max(1, _options.PipelineDepth), advanced, cancellationToken);

    // Writes with X (escaped binary) when the server accepts it, else M (hex), split to the
    // packet size and pipelined. A server that answers X with an empty reply does not support
    // it (QEMU); OpenOCD may report an X failure only in its reply to the next packet, so a
    // final empty X collects it.
    private async Task WriteCoreAsync(GdbClient client, ulong address, ReadOnlyMemory<byte> data, Action<int>? advanced, CancellationToken cancellationToken)
    {
        if (data.IsEmpty) return;
        if (_binaryWrites is null)
        {
            // Probe as GDB does, with an empty write: an empty reply means no X.
            string probe = await client.WriteMemoryBinaryAsync(address, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _binaryWrites = probe.Length > 0;
        }

        bool binary = _binaryWrites == true;
        var chunks = new List<GdbClient.WriteChunk>();
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done;
            var rest = data[done..];
            int header = GdbClient.BinaryWriteHeaderLength(at, rest.Length);
            int count = binary ? FitEscaped(rest.Span, MaxBody - header) : Math.Max(1, Math.Min(rest.Length, (MaxBody - header) / 2));
            chunks.Add(new GdbClient.WriteChunk(at, rest[..count], binary));
            done += count;
        }

        var (index, reply) = await client.WriteMemoryPipelinedAsync(chunks, Math.Max(1, _options.PipelineDepth), advanced, cancellationToken).ConfigureAwait(false);
        if (index >= 0)
        {
            var failed = chunks[index];
            if (binary) throw BinaryWriteFailed(client, reply!, failed.Address, failed.Data.Length, index > 0 ? chunks[index - 1].Address : null);
            string operation = $"writing {failed.Data.Length} bytes at 0x{failed.Address:X8}";
            var error = GdbClient.IsError(reply!) ? client.ErrorReply(reply!, operation, failed.Address) : client.Unexpected(reply!, operation, failed.Address);
            if (GdbClient.IsError(reply!) && IsFlash(failed.Address) && _memoryMap is null)
            {
                throw new TargetException($"{error.Message.TrimEnd('.')}; the server offers no flash memory map, so flash at 0x{failed.Address:X8} can only be written with memory writes.", address: failed.Address, innerException: error);
            }

            throw error;
        }

        if (binary)
        {
            ulong end = address + (ulong)data.Length;
            string last = await client.WriteMemoryBinaryAsync(end, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (last.Length > 0 && last != "OK") throw BinaryWriteFailed(client, last, end, 0, chunks[^1].Address);
        }
    }

    private static TargetException BinaryWriteFailed(GdbClient client, string reply, ulong at, int count, ulong? previous)
    {
        if (!GdbClient.IsError(reply)) return client.Unexpected(reply, $"writing {count} bytes at 0x{at:X8}", at);
        return previous is ulong p
            ? new TargetException($"The debug server at {client.Endpoint} answered {reply} to a memory write; the write at 0x{p:X8} or the one at 0x{at:X8} failed.", address: p)
            : client.ErrorReply(reply, $"writing {count} bytes at 0x{at:X8}", at);
    }

    // The number of leading bytes of data whose escaped form fits in budget bytes (at least one).
    private static int FitEscaped(ReadOnlySpan<byte> data, int budget)
    {
        int used = 0, i = 0;
        while (i < data.Length)
        {
            int next = data[i..].IndexOfAny(RspPacket.Special);
            int plain = next < 0 ? data.Length - i : next;
            if (used + plain >= budget) return Math.Max(i + (budget - used), 1);
            used += plain;
            i += plain;
            if (i == data.Length || used + 2 > budget) break;
            used += 2;
            i++;
        }

        return Math.Max(i, 1);
    }

    private bool IsFlash(ulong address) =>
        _device.RegionAt(address)?.Kind is Devices.MemoryKind.Flash or Devices.MemoryKind.Otp or Devices.MemoryKind.OptionBytes;
}
