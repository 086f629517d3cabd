using System.Text;

namespace Imprint.Targets.Gdb.Internal;

/// <summary>The typed commands of the protocol, one request each.</summary>
internal sealed partial class GdbClient
{
    /// <summary>
    /// <c>qSupported</c>: returns the server's features. Stop replies that arrive first (some
    /// servers send one unsolicited right after a client connects) are returned as
    /// the initial stop.
    /// </summary>
    public async Task<(ServerFeatures Features, StopReply? InitialStop)> QuerySupportedAsync(CancellationToken cancellationToken)
    {
        const string Operation = "negotiating features (qSupported)";
        await SendAsync("qSupported:swbreak+;hwbreak+;vContSupported+"u8.ToArray(), Operation, null, cancellationToken).ConfigureAwait(false);
        StopReply? initial = null;
        while (true)
        {
            var reply = await ReceiveAsync(RequestTimeout, Operation, null, cancellationToken).ConfigureAwait(false);
            if (reply.Kind != RspPacketKind.Packet) continue;
            string text = reply.Text;
            var stop = StopReply.TryParse(text);
            if (stop is not null)
            {
                initial = stop;
                continue;
            }

            ThrowIfError(text, Operation, null);
            return (ServerFeatures.Parse(text), initial);
        }
    }

    /// <summary><c>QStartNoAckMode</c>: returns whether the server switched acknowledgements off.</summary>
    public async Task<bool> StartNoAckModeAsync(CancellationToken cancellationToken)
    {
        string reply = await RequestAsync("QStartNoAckMode", "switching acknowledgements off", null, cancellationToken).ConfigureAwait(false);
        if (reply != "OK") return false;
        Connection.AckMode = false;
        return true;
    }

    /// <summary><c>?</c>: why the target is halted.</summary>
    public async Task<StopReply?> QueryHaltReasonAsync(CancellationToken cancellationToken)
    {
        const string Operation = "asking why the target halted (?)";
        string reply = await RequestAsync("?", Operation, null, cancellationToken).ConfigureAwait(false);
        ThrowIfError(reply, Operation, null);
        return StopReply.TryParse(reply) ?? (reply.Length == 0 ? null : throw Unexpected(reply, Operation, null));
    }

    /// <summary><c>vCont?</c>: whether the server accepts <c>vCont;c</c>.</summary>
    public async Task<bool> SupportsVContContinueAsync(CancellationToken cancellationToken)
    {
        string reply = await RequestAsync("vCont?", "asking for vCont actions", null, cancellationToken).ConfigureAwait(false);
        return reply.StartsWith("vCont", StringComparison.Ordinal) && reply.Split(';').Contains("c");
    }

    /// <summary><c>m</c>: reads up to <paramref name="length"/> bytes; a server may answer fewer.</summary>
    public async Task<byte[]> ReadMemoryAsync(ulong address, int length, CancellationToken cancellationToken)
    {
        string operation = $"reading {length} bytes at 0x{address:X8}";
        var reply = await RequestAsync(Encoding.Latin1.GetBytes($"m{Hex(address)},{Hex((ulong)length)}"), operation, address, cancellationToken).ConfigureAwait(false);
        var span = reply.Payload.Span;
        if (span.Length == 3 && span[0] == 'E' || span.StartsWith("E."u8)) throw ErrorReply(reply.Text, operation, address);
        if (span.Length == 0 || span.Length > 2 * length || !RspHex.TryDecode(span, out byte[] data)) throw Unexpected(reply.Text, operation, address);
        return data;
    }

    /// <summary><c>M</c>: writes memory as hex.</summary>
    public async Task WriteMemoryHexAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string operation = $"writing {data.Length} bytes at 0x{address:X8}";
        byte[] header = Encoding.Latin1.GetBytes($"M{Hex(address)},{Hex((ulong)data.Length)}:");
        var payload = new byte[header.Length + (2 * data.Length)];
        header.CopyTo(payload, 0);
        RspHex.Encode(data.Span, payload.AsSpan(header.Length));
        string reply = (await RequestAsync(payload, operation, address, cancellationToken).ConfigureAwait(false)).Text;
        if (reply == "OK") return;
        ThrowIfError(reply, operation, address);
        throw Unexpected(reply, operation, address);
    }

    /// <summary><c>X</c>: writes memory as escaped binary. Returns the reply (<c>OK</c>, <c>E NN</c>, or empty when unsupported).</summary>
    public async Task<string> WriteMemoryBinaryAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        (await RequestAsync(BinaryPayload($"X{Hex(address)},{Hex((ulong)data.Length)}:", data.Span), $"writing {data.Length} bytes at 0x{address:X8}", address, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>The length of the <c>X</c> header for a write.</summary>
    public static int BinaryWriteHeaderLength(ulong address, int length) => 3 + Hex(address).Length + Hex((ulong)length).Length;

    /// <summary>The length of the <c>M</c> header for a write.</summary>
    public static int HexWriteHeaderLength(ulong address, int length) => BinaryWriteHeaderLength(address, length);

    /// <summary><c>p</c>: reads one register; <see langword="null"/> when the server does not support <c>p</c>.</summary>
    public async Task<byte[]?> ReadRegisterAsync(RegisterInfo register, CancellationToken cancellationToken)
    {
        string operation = $"reading register {register.Name}";
        string reply = await RequestAsync($"p{Hex((ulong)register.Number)}", operation, null, cancellationToken).ConfigureAwait(false);
        if (reply.Length == 0) return null;
        ThrowIfError(reply, operation, null);
        if (!RspHex.TryDecode(Encoding.Latin1.GetBytes(reply), out byte[] value)) throw Unexpected(reply, operation, null);
        return value;
    }

    /// <summary><c>P</c>: writes one register; <see langword="false"/> when the server does not support <c>P</c>.</summary>
    public async Task<bool> WriteRegisterAsync(RegisterInfo register, byte[] value, CancellationToken cancellationToken)
    {
        string operation = $"writing register {register.Name}";
        string reply = await RequestAsync($"P{Hex((ulong)register.Number)}={RspHex.Encode(value)}", operation, null, cancellationToken).ConfigureAwait(false);
        if (reply.Length == 0) return false;
        if (reply == "OK") return true;
        ThrowIfError(reply, operation, null);
        throw Unexpected(reply, operation, null);
    }

    /// <summary><c>g</c>: reads all registers.</summary>
    public async Task<byte[]> ReadRegistersAsync(CancellationToken cancellationToken)
    {
        const string Operation = "reading all registers (g)";
        string reply = await RequestAsync("g", Operation, null, cancellationToken).ConfigureAwait(false);
        ThrowIfError(reply, Operation, null);

        // Servers may send 'x' for registers they cannot read; those read as zero here.
        byte[] text = Encoding.Latin1.GetBytes(reply.Replace('x', '0'));
        if (reply.Length == 0 || !RspHex.TryDecode(text, out byte[] data)) throw Unexpected(reply, Operation, null);
        return data;
    }

    /// <summary><c>G</c>: writes all registers.</summary>
    public async Task WriteRegistersAsync(byte[] data, CancellationToken cancellationToken)
    {
        const string Operation = "writing all registers (G)";
        string reply = await RequestAsync("G" + RspHex.Encode(data), Operation, null, cancellationToken).ConfigureAwait(false);
        if (reply == "OK") return;
        ThrowIfError(reply, Operation, null);
        throw Unexpected(reply, Operation, null);
    }

    /// <summary><c>Z</c>: inserts a breakpoint; <see langword="false"/> when the type is unsupported.</summary>
    public async Task<bool> InsertBreakpointAsync(int type, ulong address, int kind, CancellationToken cancellationToken)
    {
        string operation = $"setting a breakpoint (Z{type}) at 0x{address:X8}";
        string reply = await RequestAsync($"Z{type},{Hex(address)},{kind}", operation, address, cancellationToken).ConfigureAwait(false);
        if (reply.Length == 0) return false;
        if (reply == "OK") return true;
        ThrowIfError(reply, operation, address);
        throw Unexpected(reply, operation, address);
    }

    /// <summary><c>z</c>: removes a breakpoint.</summary>
    public async Task RemoveBreakpointAsync(int type, ulong address, int kind, CancellationToken cancellationToken)
    {
        string operation = $"removing the breakpoint (z{type}) at 0x{address:X8}";
        string reply = await RequestAsync($"z{type},{Hex(address)},{kind}", operation, address, cancellationToken).ConfigureAwait(false);
        if (reply == "OK") return;
        ThrowIfError(reply, operation, address);
        throw Unexpected(reply, operation, address);
    }

    /// <summary>Resumes the core (<c>vCont;c</c> or <c>c</c>); the stop reply comes later.</summary>
    public Task ContinueAsync(bool useVCont, CancellationToken cancellationToken) =>
        SendAsync(Encoding.Latin1.GetBytes(useVCont ? "vCont;c" : "c"), "resuming the target", null, cancellationToken);

    /// <summary>
    /// Waits for a stop reply, collecting <c>O</c> console output on the way; <see langword="null"/>
    /// when <paramref name="timeout"/> passes first (the connection stays usable).
    /// </summary>
    public async Task<StopReply?> WaitForStopAsync(TimeSpan timeout, StringBuilder console, string operation, ulong? address, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            var left = TimeSpan.FromSeconds(Math.Max(0, deadline - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
            var packet = await ReceiveWithSilentTimeoutAsync(left, operation, address, cancellationToken).ConfigureAwait(false);
            if (packet is null) return null;
            string text = packet.Text;
            if (text.Length > 1 && text[0] == 'O' && RspHex.TryDecodeText(packet.Payload.Span[1..], out string output))
            {
                console.Append(output);
                continue;
            }

            var stop = StopReply.TryParse(text);
            if (stop is not null) return stop;
            ThrowIfError(text, operation, address);
            throw Unexpected(text, operation, address);
        }
    }

    /// <summary><c>qRcmd</c>: runs a monitor command and returns its console output.</summary>
    public async Task<string> MonitorAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string operation = $"running the monitor command '{command}'";
        await SendAsync(Encoding.Latin1.GetBytes("qRcmd," + RspHex.EncodeText(command)), operation, null, cancellationToken).ConfigureAwait(false);
        var output = new StringBuilder();
        while (true)
        {
            var packet = await ReceiveAsync(timeout, operation, null, cancellationToken).ConfigureAwait(false);
            if (packet.Kind != RspPacketKind.Packet) continue;
            string text = packet.Text;
            if (text == "OK") return output.ToString();
            if (text.Length == 0) throw new TargetException($"The debug server at {Endpoint} does not support monitor commands (qRcmd), needed for '{command}'.");
            ThrowIfError(text, operation, null);
            if (text[0] == 'O' && text.Length > 1 && RspHex.TryDecodeText(packet.Payload.Span[1..], out string line))
            {
                output.Append(line);
                continue;
            }

            // Some servers answer with the output itself, hex-encoded, instead of O packets and OK.
            if (RspHex.TryDecodeText(packet.Payload.Span, out string direct)) return output.Append(direct).ToString();
            throw Unexpected(text, operation, null);
        }
    }

    /// <summary>
    /// <c>qXfer:OBJECT:read:ANNEX:offset,length</c> until the last chunk; <see langword="null"/>
    /// when the server does not support the object.
    /// </summary>
    public async Task<string?> ReadXferAsync(string objectName, string annex, int chunk, CancellationToken cancellationToken)
    {
        string operation = $"reading {objectName} '{annex}' (qXfer)";
        var result = new MemoryStream();
        while (true)
        {
            var reply = await RequestAsync(Encoding.Latin1.GetBytes($"qXfer:{objectName}:read:{annex}:{Hex((ulong)result.Length)},{Hex((ulong)chunk)}"), operation, null, cancellationToken).ConfigureAwait(false);
            var span = reply.Payload.Span;
            if (span.Length == 0) return result.Length == 0 ? null : throw Unexpected("", operation, null);
            if (span[0] == 'E') throw ErrorReply(reply.Text, operation, null);
            if (span[0] is not ((byte)'m' or (byte)'l')) throw Unexpected(reply.Text, operation, null);
            result.Write(span[1..]);
            if (span[0] == 'l') return Encoding.UTF8.GetString(result.GetBuffer(), 0, (int)result.Length);
            if (span.Length == 1) throw Unexpected(reply.Text, operation, null); // 'm' with no data would loop forever
        }
    }

    /// <summary><c>vFlashErase</c>.</summary>
    public async Task FlashEraseAsync(ulong address, ulong length, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string operation = $"erasing {length} bytes of flash at 0x{address:X8}";
        string reply = await RequestAsync($"vFlashErase:{Hex(address)},{Hex(length)}", operation, address, cancellationToken, timeout).ConfigureAwait(false);
        if (reply == "OK") return;
        if (reply.Length == 0) throw new TargetException($"The debug server at {Endpoint} announced flash but does not support vFlashErase at 0x{address:X8}.", address: address);
        ThrowIfError(reply, operation, address);
        throw Unexpected(reply, operation, address);
    }

    /// <summary><c>vFlashWrite</c> (servers may only buffer the data until <c>vFlashDone</c>).</summary>
    public async Task FlashWriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string operation = $"writing {data.Length} bytes of flash at 0x{address:X8}";
        string reply = (await RequestAsync(BinaryPayload($"vFlashWrite:{Hex(address)}:", data.Span), operation, address, cancellationToken).ConfigureAwait(false)).Text;
        if (reply == "OK") return;
        if (reply.Length == 0) throw new TargetException($"The debug server at {Endpoint} announced flash but does not support vFlashWrite at 0x{address:X8}.", address: address);
        ThrowIfError(reply, operation, address);
        throw Unexpected(reply, operation, address);
    }

    /// <summary>The length of the <c>vFlashWrite</c> header.</summary>
    public static int FlashWriteHeaderLength(ulong address) => 13 + Hex(address).Length;

    /// <summary><c>vFlashDone</c>: the server writes what it buffered.</summary>
    public async Task FlashDoneAsync(ulong firstAddress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string operation = $"finishing the flash writes from 0x{firstAddress:X8} (vFlashDone)";
        string reply = await RequestAsync("vFlashDone", operation, firstAddress, cancellationToken, timeout).ConfigureAwait(false);
        if (reply == "OK") return;
        ThrowIfError(reply, operation, firstAddress);
        throw Unexpected(reply, operation, firstAddress);
    }

    /// <summary><c>qCRC</c>: the server's CRC-32/MPEG-2 of a range; <see langword="null"/> when unsupported.</summary>
    public async Task<uint?> CrcAsync(ulong address, ulong length, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string operation = $"computing the CRC of {length} bytes at 0x{address:X8} (qCRC)";
        string reply = await RequestAsync($"qCRC:{Hex(address)},{Hex(length)}", operation, address, cancellationToken, timeout).ConfigureAwait(false);
        if (reply.Length == 0) return null;
        ThrowIfError(reply, operation, address);
        if (reply[0] != 'C' || !RspHex.TryParseNumber(reply.AsSpan(1), out ulong crc) || crc > uint.MaxValue) throw Unexpected(reply, operation, address);
        return (uint)crc;
    }

    /// <summary><c>D</c>: detaches (the server lets the target run).</summary>
    public Task DetachAsync(CancellationToken cancellationToken) =>
        RequestAsync("D", "detaching", null, cancellationToken);

    private static byte[] BinaryPayload(string header, ReadOnlySpan<byte> data)
    {
        var payload = new byte[header.Length + data.Length];
        Encoding.Latin1.GetBytes(header, payload);
        data.CopyTo(payload.AsSpan(header.Length));
        return payload;
    }

    private async Task<RspPacket?> ReceiveWithSilentTimeoutAsync(TimeSpan timeout, string operation, ulong? address, CancellationToken cancellationToken)
    {
        // A run that outlives its timeout is expected (the caller then interrupts the core), so
        // this timeout leaves the connection usable: a read cancelled while waiting loses nothing.
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await Connection.ReadPacketAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            Invalidate();
            throw new TargetException($"The connection to the debug server at {Endpoint} was lost while {operation}.", isTransient: true, address: address, innerException: ex);
        }
    }
}
