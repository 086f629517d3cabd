namespace Imprint.Devices;

/// <summary>What <see cref="DeviceCatalog.ImportAsync"/> wrote into a device folder.</summary>
/// <param name="Directory">The device folder.</param>
/// <param name="Devices">The devices imported, as they will load from the folder.</param>
/// <param name="Files">The files written: device descriptions first, then flash algorithms.</param>
/// <param name="MissingAlgorithms">Algorithm files the pack names for these devices that were not found.</param>
/// <param name="Warnings">What the user should know: missing algorithms, facts left out, built-in devices replaced.</param>
public sealed record DeviceImport(
    string Directory,
    IReadOnlyList<Device> Devices,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> MissingAlgorithms,
    IReadOnlyList<string> Warnings);
