using System.Text;
using Imprint.Checksums;
using Imprint.Targets.Gdb;

namespace Imprint.Targets.Virtual.Internal;

internal sealed partial class GdbStub
{
    private async Task<string> FlashEraseAsync(string arguments, CancellationToken ct)
    {
        if (!TryParsePair(arguments, out ulong address, out ulong length) || length == 0) return Malformed;
        ulong end = address + length;

        // As OpenOCD: the range must start and end on sector boundaries of flash.
        for (ulong cursor = address; cursor < end;)
        {
            var region = mcu.RegionAt(cursor);
            if (region is null || !region.IsNonVolatile) return NotAligned;
            var sector = region.SectorAt(cursor);
            if (cursor == address && sector.Start != address) return NotAligned;
            cursor = sector.Start + sector.Size;
            if (cursor > end) return NotAligned;
        }

        // OpenOCD runs its reset-init hook before the first erase: the core ends up halted.
        mcu.Halt();
        try
        {
            await mcu.EraseRangeAsync(address, end, null, ct).ConfigureAwait(false);
        }
        catch (TargetException)
        {
            return FlashFailed;
        }

        return "OK";
    }

    private string FlashWrite(ReadOnlyMemory<byte> arguments)
    {
        int colon = arguments.Span.IndexOf((byte)':');
        if (colon <= 0 || !RspHex.TryParseNumber(arguments.Span[..colon], out ulong address)) return Malformed;

        // Buffered until vFlashDone, which writes everything sorted, as OpenOCD does.
        _flashWrites.Add((address, arguments[(colon + 1)..].ToArray()));
        return "OK";
    }

    private string FlashDone()
    {
        var blocks = ProgramBlocks.Build(mcu, _flashWrites);
        _flashWrites.Clear();
        try
        {
            foreach (var (address, data) in blocks) mcu.Program(address, data);
        }
        catch (TargetException)
        {
            return FlashFailed;
        }

        return "OK";
    }

    private string Crc(string arguments)
    {
        if (!TryParsePair(arguments, out ulong address, out ulong length) || length > int.MaxValue) return Malformed;
        var bytes = new byte[length];
        try
        {
            mcu.ReadMemory(address, bytes);
        }
        catch (TargetException)
        {
            return AccessFailed;
        }

        return $"C{Crc32Mpeg2.Compute(bytes):x8}";
    }

    private static string Transfer(string arguments, string annex, byte[] document)
    {
        // arguments: "ANNEX:OFFSET,LENGTH"
        int colon = arguments.LastIndexOf(':');
        if (colon < 0) return Malformed;
        if (arguments[..colon] != annex) return "E00";
        if (!TryParsePair(arguments[(colon + 1)..], out ulong offset, out ulong length)) return Malformed;
        if (offset >= (ulong)document.Length) return "l";
        int count = (int)Math.Min(length, (ulong)document.Length - offset);
        var prefix = offset + (ulong)count >= (ulong)document.Length ? "l" : "m";
        return prefix + Encoding.ASCII.GetString(document, (int)offset, count);
    }
}
