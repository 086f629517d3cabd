using System.Text.Json.Serialization;

namespace Imprint.Devices;

/// <summary>
/// A microcontroller as a programmer must know it: memory map, core, how to reach it and
/// how its flash is written. Built-in devices are YAML data files (see <c>docs/devices.md</c>); more are imported from CMSIS packs.
/// </summary>
public sealed record Device
{
    /// <summary>Gets the device name, unique in a catalog (for example <c>LM3S6965</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the vendor.</summary>
    public string Vendor { get; init; } = "";

    /// <summary>Gets the CPU core (for example <c>Cortex-M3</c>).</summary>
    public string Core { get; init; } = "";

    /// <summary>Gets the memory regions, in ascending address order.</summary>
    public IReadOnlyList<MemoryRegion> Memory { get; init; } = [];

    /// <summary>Gets where the factory-programmed unique ID is, if the part has one.</summary>
    public UniqueIdLocation? UniqueId { get; init; }

    /// <summary>Gets identification registers a programmer may read (for example DID0 and DID1).</summary>
    public IReadOnlyList<DeviceRegister> IdRegisters { get; init; } = [];

    /// <summary>Gets the default debug interface.</summary>
    public DebugInterface DefaultInterface { get; init; } = DebugInterface.Swd;

    /// <summary>Gets the default debug clock in kHz.</summary>
    public int DefaultClockKhz { get; init; } = 4000;

    /// <summary>Gets the target voltage range.</summary>
    public VoltageRange Voltage { get; init; } = new(1.8, 3.6);

    /// <summary>Gets how the flash of this part is written.</summary>
    public FlashMethod FlashMethod { get; init; } = FlashMethod.DebugServer;

    /// <summary>Gets the name of the flash algorithm (a CMSIS <c>.FLM</c>), when <see cref="FlashMethod"/> is <see cref="FlashMethod.Algorithm"/>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>
    /// Gets where the description came from: <c>built-in</c>, the pack file it was imported
    /// from, or the name of the user's device file.
    /// </summary>
    public string Source { get; init; } = "built-in";

    /// <summary>Returns the region containing <paramref name="address"/>, or <see langword="null"/>.</summary>
    /// <param name="address">The address to look up.</param>
    /// <returns>The region, or <see langword="null"/> when no region holds the address.</returns>
    public MemoryRegion? RegionAt(ulong address) =>
        Memory.FirstOrDefault(r => address >= r.Start && address < r.End);

    /// <summary>Gets the programmable regions: flash, OTP and option bytes.</summary>
    [JsonIgnore]
    public IEnumerable<MemoryRegion> FlashRegions => Memory.Where(r => r.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes);
}
