using System.Text;
using Imprint.Targets.Gdb;

namespace Imprint.Targets.Virtual.Internal;

/// <summary>
/// Serves one GDB client over a <see cref="RspConnection"/>: reads a packet, acts on the
/// <see cref="VirtualMcu"/>, replies. Unknown packets get the empty reply, as the protocol asks.
/// </summary>
/// <remarks>
/// Error replies: <c>E01</c> malformed packet or core running, <c>E03</c> flash erase or
/// program refused, <c>E05</c> <c>vFlashErase</c> not sector-aligned (as OpenOCD),
/// <c>E0E</c> memory access refused (as OpenOCD answers <c>M</c> into flash).
/// </remarks>
internal sealed partial class GdbStub(VirtualMcu mcu, RspConnection connection, int packetSize)
{
    private const string Malformed = "E01";
    private const string FlashFailed = "E03";
    private const string NotAligned = "E05";
    private const string AccessFailed = "E0E";

    private readonly List<(ulong Address, ReadOnlyMemory<byte> Data)> _flashWrites = [];

    /// <summary>Serves packets until the client detaches, kills or disconnects.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A debugger expects a halted target when it attaches (OpenOCD halts on attach too).
        mcu.Halt();
        while (true)
        {
            var packet = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);

            // Ctrl-C while halted: nothing to stop and nothing to report (QEMU does the same).
            if (packet.Kind != RspPacketKind.Packet) continue;
            if (!await DispatchAsync(packet.Payload, cancellationToken).ConfigureAwait(false)) return;
        }
    }

    private async Task<bool> DispatchAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var p = payload.Span;
        if (p.IsEmpty)
        {
            await ReplyAsync("", ct).ConfigureAwait(false);
            return true;
        }

        switch ((char)p[0])
        {
            case '?':
                await ReplyAsync(StopReply(mcu.LastStop), ct).ConfigureAwait(false);
                return true;
            case 'g':
                await ReplyAsync(ReadAllRegisters(), ct).ConfigureAwait(false);
                return true;
            case 'G':
                await ReplyAsync(WriteAllRegisters(p[1..]), ct).ConfigureAwait(false);
                return true;
            case 'p':
                await ReplyAsync(ReadOneRegister(p[1..]), ct).ConfigureAwait(false);
                return true;
            case 'P':
                await ReplyAsync(WriteOneRegister(p[1..]), ct).ConfigureAwait(false);
                return true;
            case 'm':
                await ReplyAsync(ReadMemory(p[1..]), ct).ConfigureAwait(false);
                return true;
            case 'M':
                await ReplyAsync(WriteMemory(p[1..], binary: false), ct).ConfigureAwait(false);
                return true;
            case 'X':
                await ReplyAsync(WriteMemory(p[1..], binary: true), ct).ConfigureAwait(false);
                return true;
            case 'Z' or 'z':
                await ReplyAsync(Breakpoint(p), ct).ConfigureAwait(false);
                return true;
            case 'c':
                return await ContinueAsync(payload[1..], ct).ConfigureAwait(false);
            case 'H':
                await ReplyAsync("OK", ct).ConfigureAwait(false);
                return true;
            case 'k':
                return false;
            case 'D':
                // Detaching lets the part run, as OpenOCD and QEMU do.
                await ReplyAsync("OK", ct).ConfigureAwait(false);
                mcu.Resume();
                return false;
            default:
                return await DispatchNamedAsync(payload, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> DispatchNamedAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var p = payload.Span;
        if (p.StartsWith("vFlashWrite:"u8))
        {
            await ReplyAsync(FlashWrite(payload["vFlashWrite:".Length..]), ct).ConfigureAwait(false);
            return true;
        }

        // Every other named packet is text.
        string text = Encoding.Latin1.GetString(p);
        if (text.StartsWith("vCont;c", StringComparison.Ordinal) || text.StartsWith("vCont;C", StringComparison.Ordinal))
        {
            return await ContinueAsync(ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
        }

        string reply = text switch
        {
            _ when text.StartsWith("qSupported", StringComparison.Ordinal) =>
                $"PacketSize={packetSize:x};qXfer:memory-map:read+;qXfer:features:read+;QStartNoAckMode+",
            "QStartNoAckMode" => "OK",
            "qAttached" => "1",
            "vCont?" => "vCont;c;C",
            _ when text.StartsWith("vFlashErase:", StringComparison.Ordinal) => await FlashEraseAsync(text["vFlashErase:".Length..], ct).ConfigureAwait(false),
            "vFlashDone" => FlashDone(),
            _ when text.StartsWith("qCRC:", StringComparison.Ordinal) => Crc(text["qCRC:".Length..]),
            _ when text.StartsWith("qXfer:features:read:", StringComparison.Ordinal) => Transfer(text["qXfer:features:read:".Length..], "target.xml", GdbDocuments.TargetXml),
            _ when text.StartsWith("qXfer:memory-map:read:", StringComparison.Ordinal) => Transfer(text["qXfer:memory-map:read:".Length..], "", GdbDocuments.MemoryMap(mcu.Device)),
            _ when text.StartsWith("qRcmd,", StringComparison.Ordinal) => await MonitorAsync(text["qRcmd,".Length..], ct).ConfigureAwait(false),
            _ => "",
        };

        await ReplyAsync(reply, ct).ConfigureAwait(false);

        // The OK went out with acknowledgements; from here on neither side sends them.
        if (text == "QStartNoAckMode") connection.AckMode = false;
        return true;
    }

    private async Task<bool> ContinueAsync(ReadOnlyMemory<byte> address, CancellationToken ct)
    {
        if (!address.IsEmpty)
        {
            if (!RspHex.TryParseNumber(address.Span, out ulong pc))
            {
                await ReplyAsync(Malformed, ct).ConfigureAwait(false);
                return true;
            }

            mcu.WriteRegister("pc", (uint)pc);
        }

        var stop = mcu.Resume();
        while (stop is null)
        {
            // All-stop mode: while the core runs the client may only interrupt it.
            var packet = await connection.ReadPacketAsync(ct).ConfigureAwait(false);
            if (packet.Kind == RspPacketKind.Interrupt) stop = mcu.Halt();
        }

        await ReplyAsync(StopReply(stop), ct).ConfigureAwait(false);
        return true;
    }

    private async Task<string> MonitorAsync(string hex, CancellationToken ct)
    {
        if (!RspHex.TryDecodeText(Encoding.ASCII.GetBytes(hex), out string command)) return Malformed;
        string output;
        bool failed = false;
        try
        {
            output = await VirtualMonitor.ExecuteAsync(mcu, command, ct).ConfigureAwait(false);
        }
        catch (TargetException ex)
        {
            output = ex.Message + "\n";
            failed = true;
        }

        // Console output goes in O packets; each must fit the packet size once hex-encoded.
        int chunk = (packetSize - 8) / 2;
        for (int i = 0; i < output.Length; i += chunk)
        {
            var part = output.Substring(i, Math.Min(chunk, output.Length - i));
            await ReplyAsync("O" + RspHex.EncodeText(part), ct).ConfigureAwait(false);
        }

        return failed ? Malformed : "OK";
    }

    private static string StopReply(StopEvent stop) => $"S{stop.Signal:x2}";

    private Task ReplyAsync(string text, CancellationToken ct) => connection.WritePacketAsync(text, ct);

    private Task ReplyAsync(byte[] payload, CancellationToken ct) => connection.WritePacketAsync(payload, ct);

    private static bool TryParsePair(ReadOnlySpan<byte> text, byte separator, out ulong first, out ulong second)
    {
        first = second = 0;
        int comma = text.IndexOf(separator);
        return comma > 0 && RspHex.TryParseNumber(text[..comma], out first) && RspHex.TryParseNumber(text[(comma + 1)..], out second);
    }

    private static bool TryParsePair(string text, out ulong first, out ulong second) =>
        TryParsePair(Encoding.ASCII.GetBytes(text), (byte)',', out first, out second);
}
