using System.Buffers.Binary;
using Imprint.Targets.Gdb;

namespace Imprint.Targets.Virtual.Internal;

internal sealed partial class GdbStub
{
    private const int RegisterCount = 17;

    private string ReadAllRegisters()
    {
        if (mcu.State != VirtualCoreState.Halted) return Malformed;
        Span<byte> bytes = stackalloc byte[RegisterCount * 4];
        for (int i = 0; i < RegisterCount; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(i * 4)..], mcu.ReadRegister(i));
        }

        return RspHex.Encode(bytes);
    }

    private string WriteAllRegisters(ReadOnlySpan<byte> hex)
    {
        Span<byte> bytes = stackalloc byte[RegisterCount * 4];
        if (hex.Length != bytes.Length * 2 || !RspHex.TryDecode(hex, bytes)) return Malformed;
        if (mcu.State != VirtualCoreState.Halted) return Malformed;
        for (int i = 0; i < RegisterCount; i++)
        {
            mcu.WriteRegister(i, BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]));
        }

        return "OK";
    }

    private string ReadOneRegister(ReadOnlySpan<byte> number)
    {
        if (!RspHex.TryParseNumber(number, out ulong n) || RegisterIndex(n) is not { } index) return Malformed;
        if (mcu.State != VirtualCoreState.Halted) return Malformed;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, mcu.ReadRegister(index));
        return RspHex.Encode(bytes);
    }

    private string WriteOneRegister(ReadOnlySpan<byte> text)
    {
        int eq = text.IndexOf((byte)'=');
        Span<byte> bytes = stackalloc byte[4];
        if (eq <= 0 || !RspHex.TryParseNumber(text[..eq], out ulong n) || RegisterIndex(n) is not { } index) return Malformed;
        if (text.Length - eq - 1 != 8 || !RspHex.TryDecode(text[(eq + 1)..], bytes)) return Malformed;
        if (mcu.State != VirtualCoreState.Halted) return Malformed;
        mcu.WriteRegister(index, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        return "OK";
    }

    // GDB numbers r0-r15 as 0-15 and xPSR as 25 in the m-profile feature.
    private static int? RegisterIndex(ulong number) => number switch
    {
        < 16 => (int)number,
        GdbDocuments.XpsrRegisterNumber => 16,
        _ => null,
    };

    private string ReadMemory(ReadOnlySpan<byte> text)
    {
        if (!TryParsePair(text, (byte)',', out ulong address, out ulong length)) return Malformed;

        // A stub may answer with fewer bytes than asked; the reply must fit the packet size.
        int count = (int)Math.Min(length, (ulong)(packetSize / 2));
        var bytes = new byte[count];
        try
        {
            mcu.ReadMemory(address, bytes);
        }
        catch (TargetException)
        {
            return AccessFailed;
        }

        return RspHex.Encode(bytes);
    }

    private string WriteMemory(ReadOnlySpan<byte> text, bool binary)
    {
        int colon = text.IndexOf((byte)':');
        if (colon < 0 || !TryParsePair(text[..colon], (byte)',', out ulong address, out ulong length)) return Malformed;
        var body = text[(colon + 1)..];
        byte[] data;
        if (binary)
        {
            if ((ulong)body.Length != length) return Malformed;
            data = body.ToArray();
        }
        else
        {
            data = new byte[length];
            if ((ulong)body.Length != length * 2 || !RspHex.TryDecode(body, data)) return Malformed;
        }

        try
        {
            mcu.WriteMemory(address, data);
        }
        catch (TargetException)
        {
            return AccessFailed;
        }

        return "OK";
    }

    private string Breakpoint(ReadOnlySpan<byte> text)
    {
        // Z0 (software) and Z1 (hardware) are the same thing to a core that runs no code.
        if (text.Length < 2 || (text[1] != '0' && text[1] != '1')) return "";
        var rest = text[2..];
        if (rest.IsEmpty || rest[0] != ',') return Malformed;
        rest = rest[1..];
        int comma = rest.IndexOf((byte)',');
        if (!RspHex.TryParseNumber(comma < 0 ? rest : rest[..comma], out ulong address)) return Malformed;
        if (text[0] == 'Z') mcu.AddBreakpoint(address);
        else mcu.RemoveBreakpoint(address);
        return "OK";
    }
}
