namespace Imprint.Devices.Cmsis.Internal;

/// <summary>A <c>&lt;memory&gt;</c> element, after inheritance.</summary>
internal sealed record PdscMemory(string Name, ulong Start, ulong Size, string? Access, bool IsDefault, bool IsStartup, int Line);

/// <summary>An <c>&lt;algorithm&gt;</c> element, after inheritance; <see cref="Path"/> is as written in the pdsc.</summary>
internal sealed record PdscAlgorithm(string Path, ulong Start, ulong Size, bool IsDefault, int Line);

/// <summary>One device of a pdsc with everything it inherits from its family and sub-family.</summary>
internal sealed record PdscDevice(
    string Name,
    string Vendor,
    string Core,
    IReadOnlyList<string> Variants,
    IReadOnlyList<PdscMemory> Memories,
    IReadOnlyList<PdscAlgorithm> Algorithms,
    VoltageRange? Voltage,
    DebugInterface? Interface,
    int? ClockKhz,
    int Line);

/// <summary>The parts of a pdsc that describe devices.</summary>
internal sealed record PdscDescription(string Vendor, string Name, IReadOnlyList<PdscDevice> Devices);
