namespace Imprint.Devices;

/// <summary>The kind of a memory region.</summary>
public enum MemoryKind
{
    /// <summary>Erasable, programmable flash.</summary>
    Flash,

    /// <summary>Volatile RAM.</summary>
    Ram,

    /// <summary>One-time programmable memory: each unit can be programmed once.</summary>
    Otp,

    /// <summary>Option or configuration bytes (for example the nRF52 UICR).</summary>
    OptionBytes,

    /// <summary>Read-only or peripheral memory that a programmer may read.</summary>
    Rom,
}

/// <summary>The debug interface used to reach the core.</summary>
public enum DebugInterface
{
    /// <summary>Arm Serial Wire Debug.</summary>
    Swd,

    /// <summary>IEEE 1149.1 JTAG.</summary>
    Jtag,
}

/// <summary>How a device's flash is written.</summary>
public enum FlashMethod
{
    /// <summary>Through the debug server's own flash commands (GDB <c>vFlash</c> packets).</summary>
    DebugServer,

    /// <summary>With plain memory writes, as under QEMU.</summary>
    MemoryWrites,

    /// <summary>By running a flash algorithm (CMSIS <c>.FLM</c>) on the target.</summary>
    Algorithm,
}
