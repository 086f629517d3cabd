using Imprint.Devices;

namespace Imprint.Tests.Support;

/// <summary>Device records for target tests (the fake GDB server, the virtual microcontroller), built in code so each test sees exactly what it relies on.</summary>
internal static class TestDevices
{
    /// <summary>Like QEMU's LM3S6965: flash that takes plain memory writes and needs no erase.</summary>
    public static Device QemuLike { get; } = new()
    {
        Name = "TEST-QEMU",
        Core = "Cortex-M3",
        FlashMethod = FlashMethod.MemoryWrites,
        Memory =
        [
            new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = 256 * 1024, Sectors = [new SectorRun(0, 1024)], ErasedValue = 0x00, RequiresErase = false },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x20000000, Size = 64 * 1024 },
        ],
    };

    /// <summary>A part whose flash the debug server writes (vFlash), at 0x08000000 with 2 KiB sectors.</summary>
    public static Device ServerFlash { get; } = new()
    {
        Name = "TEST-FLASH",
        Core = "Cortex-M4",
        FlashMethod = FlashMethod.DebugServer,
        Memory =
        [
            new MemoryRegion { Name = "flash", Kind = MemoryKind.Flash, Start = 0x08000000, Size = 64 * 1024, Sectors = [new SectorRun(0, 2048)] },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x20000000, Size = 16 * 1024 },
        ],
    };

    /// <summary>A memory map as OpenOCD sends it for <see cref="ServerFlash"/>.</summary>
    public const string ServerFlashMap = """
        <?xml version="1.0"?>
        <!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">
        <memory-map>
        <memory type="ram" start="0x0" length="0x8000000"/>
        <memory type="flash" start="0x08000000" length="0x10000"><property name="blocksize">0x800</property></memory>
        <memory type="ram" start="0x08010000" length="0xf7ff0000"/>
        </memory-map>
        """;

    public const ulong Lm3sFlashSize = 0x40000;
    public const ulong Lm3sSector = 0x400;

    /// <summary>LM3S6965 as QEMU's lm3s6965evb has it: 256 KiB flash in 1 KiB sectors, word programming, 64 KiB SRAM.</summary>
    public static Device Lm3s6965() => new()
    {
        Name = "LM3S6965",
        Vendor = "Texas Instruments",
        Core = "Cortex-M3",
        Memory =
        [
            new MemoryRegion
            {
                Name = "flash", Kind = MemoryKind.Flash, Start = 0, Size = Lm3sFlashSize,
                Sectors = [new SectorRun(0, Lm3sSector)], PageSize = 0x400, ProgramGranularity = 4,
            },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 0x1_0000 },
        ],
        IdRegisters = [new DeviceRegister("DID0", 0x400F_E000, 4), new DeviceRegister("DID1", 0x400F_E004, 4)],
    };

    /// <summary>
    /// An STM32F4-like part with every kind of memory: flash with mixed sector runs (4 x 16 KiB,
    /// 64 KiB, 128 KiB) and 8-byte programming, system ROM, OTP in 4-byte units, option bytes,
    /// a write-protected boot region, a 12-byte unique ID, SRAM and flash that needs no erase.
    /// </summary>
    public static Device Everything() => new()
    {
        Name = "TESTPART",
        Core = "Cortex-M4",
        Memory =
        [
            new MemoryRegion
            {
                Name = "flash", Kind = MemoryKind.Flash, Start = 0x0800_0000, Size = 0x4_0000,
                Sectors = [new SectorRun(0, 0x4000), new SectorRun(0x1_0000, 0x1_0000), new SectorRun(0x2_0000, 0x2_0000)],
                PageSize = 0x100, ProgramGranularity = 8,
            },
            new MemoryRegion
            {
                Name = "boot", Kind = MemoryKind.Flash, Start = 0x0810_0000, Size = 0x1000,
                Sectors = [new SectorRun(0, 0x1000)], ProgramGranularity = 4, WriteProtected = true,
            },
            new MemoryRegion
            {
                Name = "eeprom", Kind = MemoryKind.Flash, Start = 0x0820_0000, Size = 0x1000,
                Sectors = [new SectorRun(0, 0x400)], RequiresErase = false, ErasedValue = 0x00,
            },
            new MemoryRegion { Name = "system", Kind = MemoryKind.Rom, Start = 0x1FFF_0000, Size = 0x7800 },
            new MemoryRegion { Name = "otp", Kind = MemoryKind.Otp, Start = 0x1FFF_7800, Size = 0x200, ProgramGranularity = 4, RequiresErase = false },
            new MemoryRegion { Name = "options", Kind = MemoryKind.OptionBytes, Start = 0x1FFF_C000, Size = 0x10 },
            new MemoryRegion { Name = "sram", Kind = MemoryKind.Ram, Start = 0x2000_0000, Size = 0x2_0000 },
        ],
        UniqueId = new UniqueIdLocation(0x1FFF_7A10, 12),
        IdRegisters = [new DeviceRegister("DBGMCU_IDCODE", 0xE004_2000, 4)],
    };
}
