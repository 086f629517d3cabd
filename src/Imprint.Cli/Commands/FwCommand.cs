using System.CommandLine;

namespace Imprint.Cli.Commands;

// Placeholder: the firmware-formats work replaces this file with `fw info` and `fw convert`.
internal static class FwCommand
{
    public static Command Create() => new("fw", "Inspect and convert firmware files (Intel HEX, S-record, ELF, binary).");
}
