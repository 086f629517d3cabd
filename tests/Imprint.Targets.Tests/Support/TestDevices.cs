using Imprint.Devices;

namespace Imprint.Tests.Support;

/// <summary>Device records for tests against the fake server.</summary>
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
}
