using System.Globalization;

namespace Imprint.Targets.Virtual.Internal;

/// <summary>
/// The monitor commands of the virtual target (GDB <c>monitor …</c>, <c>qRcmd</c>), named as
/// OpenOCD and QEMU name them so station scripts work against either.
/// </summary>
internal static class VirtualMonitor
{
    public const string Help =
        "reset               reset and run\n" +
        "reset halt          reset and halt at the reset vector (also: reset init)\n" +
        "system_reset        reset and halt, as QEMU does under a debugger\n" +
        "halt                halt the core\n" +
        "erase               erase all flash (mass erase)\n" +
        "uid                 print the unique ID in hex\n" +
        "protect START END   write-protect the sectors in [START, END) (hex)\n" +
        "unprotect START END remove write protection from [START, END) (hex)\n";

    public static async Task<string> ExecuteAsync(VirtualMcu mcu, string command, CancellationToken cancellationToken)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (words)
        {
            case ["help"]:
                return Help;
            case ["reset"] or ["reset", "run"]:
                mcu.Reset(halt: false);
                return "";
            case ["reset", "halt" or "init"] or ["system_reset"]:
                mcu.Reset(halt: true);
                return "";
            case ["halt"]:
                var stop = mcu.Halt();
                return $"halted at 0x{stop.ProgramCounter:X8}\n";
            case ["erase"]:
                await mcu.EraseChipAsync(null, cancellationToken).ConfigureAwait(false);
                return "flash erased\n";
            case ["uid"]:
                return mcu.UniqueId.IsEmpty ? $"device {mcu.Device.Name} has no unique ID\n" : Convert.ToHexString(mcu.UniqueId.Span) + "\n";
            case ["protect" or "unprotect", var start, var end]:
                mcu.SetWriteProtection(ParseAddress(start, command), ParseAddress(end, command), words[0] == "protect");
                return "";
            default:
                throw new TargetException($"monitor command '{command}' is not supported by the virtual target; try 'help'.");
        }
    }

    private static ulong ParseAddress(string text, string command)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new TargetException($"monitor command '{command}' has '{text}' where a hex address belongs.");
    }
}
