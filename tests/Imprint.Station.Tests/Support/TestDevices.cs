using Imprint.Devices;

namespace Imprint.Tests.Support;

/// <summary>Device descriptions built in code, so each test sees exactly what it relies on.</summary>
internal static class TestDevices
{
    public const ulong Sector = 0x400;
    public const ulong SerialAddress = 0x3_F000;
    public const ulong MacAddress = 0x3_F400;
    public const ulong TestRam = 0x2000_0000;

    /// <summary>LM3S6965 as QEMU's board has it (256 KiB flash in 1 KiB sectors, 64 KiB SRAM), with a unique ID for read-data steps.</summary>
    public static Device Lm3s6965() => new()
    {
        Name = "LM3S6965",
        Vendor = "Texas Instruments",
        Core = "Cortex-M3",
        Memory =
        [
            new MemoryRegion
            {
                Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = 0x4_0000,
                Sectors = [new SectorRun(0, Sector)], PageSize = 0x400, ProgramGranularity = 4,
            },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 0x1_0000 },
        ],
        UniqueId = new UniqueIdLocation(0x400F_E1F0, 8),
        IdRegisters = [new DeviceRegister("DID0", 0x400F_E000, 4), new DeviceRegister("DID1", 0x400F_E004, 4)],
    };

    /// <summary>Another part, for device-mismatch tests.</summary>
    public static Device Other() => Lm3s6965() with { Name = "LM3S8962" };
}
