namespace Imprint.Devices;

/// <summary>
/// A run of equal-size sectors in a flash region.
/// </summary>
/// <param name="Offset">Offset of the run's first sector from the region start.</param>
/// <param name="Size">Size of each sector in the run, in bytes.</param>
public sealed record SectorRun(ulong Offset, ulong Size);
