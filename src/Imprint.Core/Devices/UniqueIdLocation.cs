namespace Imprint.Devices;

/// <summary>Where a part's factory-programmed unique ID is.</summary>
/// <param name="Address">The address of the first byte.</param>
/// <param name="Length">The length in bytes.</param>
public sealed record UniqueIdLocation(ulong Address, int Length);

/// <summary>A named register a programmer may read (for example DID0 at 0x400FE000).</summary>
/// <param name="Name">The register name.</param>
/// <param name="Address">Its address.</param>
/// <param name="Length">Its width in bytes.</param>
public sealed record DeviceRegister(string Name, ulong Address, int Length);

/// <summary>The target supply voltage range in volts.</summary>
/// <param name="Min">The lowest supported voltage.</param>
/// <param name="Max">The highest supported voltage.</param>
public sealed record VoltageRange(double Min, double Max);
