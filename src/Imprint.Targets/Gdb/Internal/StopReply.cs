namespace Imprint.Targets.Gdb.Internal;

/// <summary>How a stop reply says the target stopped.</summary>
internal enum StopKind
{
    /// <summary><c>S AA</c> or <c>T AA …</c>: the core halted with a signal.</summary>
    Signal,

    /// <summary><c>W AA</c>: the program exited.</summary>
    Exited,

    /// <summary><c>X AA</c>: the program was terminated by a signal.</summary>
    Terminated,
}

/// <summary>A parsed stop reply (<c>S</c>, <c>T</c>, <c>W</c>, <c>X</c>).</summary>
/// <param name="Kind">How the target stopped.</param>
/// <param name="Code">The signal number or exit status.</param>
/// <param name="Registers">Register values the reply carried (<c>T</c> only), by register number, as target-order bytes.</param>
internal sealed record StopReply(StopKind Kind, int Code, IReadOnlyDictionary<int, byte[]> Registers)
{
    private static readonly Dictionary<int, byte[]> NoRegisters = [];

    /// <summary>Returns whether <paramref name="text"/> looks like a stop reply.</summary>
    public static bool IsStopReply(string text) =>
        text.Length >= 3 && text[0] is 'S' or 'T' or 'W' or 'X' && Hex(text[1]) && Hex(text[2]) &&
        (text[0] == 'T' || text.Length == 3 || text[3] == ';');

    /// <summary>Parses a stop reply; <see langword="null"/> when <paramref name="text"/> is not one.</summary>
    public static StopReply? TryParse(string text)
    {
        if (!IsStopReply(text)) return null;
        int code = Convert.ToInt32(text.Substring(1, 2), 16);
        var kind = text[0] switch { 'W' => StopKind.Exited, 'X' => StopKind.Terminated, _ => StopKind.Signal };
        if (text[0] != 'T') return new StopReply(kind, code, NoRegisters);

        var registers = new Dictionary<int, byte[]>();
        foreach (string pair in text[3..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;

            // Keys are register numbers in hex, or words (thread, core, swbreak, watch…).
            if (RspHex.TryParseNumber(pair.AsSpan(0, colon), out ulong number) && number < 4096 &&
                RspHex.TryDecode(System.Text.Encoding.ASCII.GetBytes(pair[(colon + 1)..]), out byte[] value))
            {
                registers[(int)number] = value;
            }
        }

        return new StopReply(kind, code, registers);
    }

    private static bool Hex(char c) => char.IsAsciiHexDigit(c);
}
