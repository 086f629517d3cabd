using Imprint.Devices;
using Imprint.Formats;

namespace Imprint.Projects.Internal;

/// <summary>The spellings project files use for enum values, both ways.</summary>
internal static class ProjectNames
{
    public static readonly IReadOnlyList<(string Name, SerialEncoding Value)> Encodings =
    [
        ("binary-le", SerialEncoding.BinaryLittleEndian),
        ("binary-be", SerialEncoding.BinaryBigEndian),
        ("ascii-dec", SerialEncoding.AsciiDecimal),
        ("ascii-hex", SerialEncoding.AsciiHex),
        ("bcd", SerialEncoding.Bcd),
    ];

    public static readonly IReadOnlyList<(string Name, StepKind Value)> Steps =
    [
        ("erase", StepKind.Erase),
        ("blank-check", StepKind.BlankCheck),
        ("program", StepKind.Program),
        ("verify", StepKind.Verify),
        ("program-serial", StepKind.ProgramSerial),
        ("program-dynamic", StepKind.ProgramDynamic),
        ("read-data", StepKind.ReadData),
        ("run-test", StepKind.RunTest),
        ("option-bytes", StepKind.WriteOptionBytes),
        ("reset", StepKind.Reset),
        ("delay", StepKind.Delay),
        ("power", StepKind.Power),
    ];

    public static readonly IReadOnlyList<(string Name, EraseMode Value)> EraseModes =
    [
        ("sectors", EraseMode.Sectors),
        ("chip", EraseMode.Chip),
        ("range", EraseMode.Range),
    ];

    public static readonly IReadOnlyList<(string Name, VerifyMode Value)> VerifyModes =
    [
        ("readback", VerifyMode.ReadBack),
        ("checksum", VerifyMode.Checksum),
    ];

    public static readonly IReadOnlyList<(string Name, ImageType Value)> ImageTypes =
    [
        ("sap", ImageType.Sap),
        ("job", ImageType.Job),
    ];

    public static readonly IReadOnlyList<(string Name, DebugInterface Value)> Interfaces =
    [
        ("swd", DebugInterface.Swd),
        ("jtag", DebugInterface.Jtag),
    ];

    public static readonly IReadOnlyList<(string Name, FirmwareFormat Value)> Formats =
    [
        ("hex", FirmwareFormat.IntelHex),
        ("srec", FirmwareFormat.SRecord),
        ("elf", FirmwareFormat.Elf),
        ("bin", FirmwareFormat.Binary),
    ];

    public static string Of(FirmwareFormat value) => Find(Formats, value);

    public static string Of(SerialEncoding value) => Find(Encodings, value);

    public static string Of(StepKind value) => Find(Steps, value);

    public static string Of(EraseMode value) => Find(EraseModes, value);

    public static string Of(VerifyMode value) => Find(VerifyModes, value);

    public static string Of(ImageType value) => Find(ImageTypes, value);

    public static string Of(DebugInterface value) => Find(Interfaces, value);

    public static bool TryParse<T>(IReadOnlyList<(string Name, T Value)> table, string text, out T value)
    {
        foreach (var (name, v) in table)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public static string List<T>(IReadOnlyList<(string Name, T Value)> table) =>
        string.Join(", ", table.Select(t => t.Name));

    private static string Find<T>(IReadOnlyList<(string Name, T Value)> table, T value)
        where T : struct, Enum
    {
        foreach (var (name, v) in table)
        {
            if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "No project-file name for this value.");
    }
}
