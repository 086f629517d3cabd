namespace Imprint.Devices.Cmsis;

/// <summary>
/// A CMSIS flash algorithm (<c>.FLM</c>) as a programmer runs it: position-independent code
/// that is copied to the target's RAM and called at its entry points, and the
/// <c>FlashDevice</c> descriptor that says which flash it programs and how that flash is laid
/// out. Read one with <see cref="FlmReader"/>.
/// </summary>
/// <remarks>
/// To run it, copy <see cref="Code"/> to a RAM address <c>A</c>, set <c>r9</c> to
/// <c>A + <see cref="StaticBase"/></c>, and call <c>A + </c> an entry point offset with the
/// Thumb bit set in the return address (<c>lr</c>) pointing at a breakpoint.
/// </remarks>
public sealed record FlashAlgorithm
{
    /// <summary>Gets the algorithm's file name (for example <c>STM32F4xx_1024.FLM</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the device name the descriptor states (<c>FlashDevice.DevName</c>).</summary>
    public required string DeviceName { get; init; }

    /// <summary>Gets the descriptor version (<c>FlashDevice.Vers</c>, for example 0x0101).</summary>
    public ushort Version { get; init; }

    /// <summary>Gets the kind of flash device (<c>FlashDevice.DevType</c>).</summary>
    public FlashDeviceType DeviceType { get; init; }

    /// <summary>Gets the first address of the flash the algorithm programs (<c>FlashDevice.DevAdr</c>).</summary>
    public required ulong FlashStart { get; init; }

    /// <summary>Gets the size of that flash in bytes (<c>FlashDevice.szDev</c>).</summary>
    public required ulong FlashSize { get; init; }

    /// <summary>Gets the size of one <c>ProgramPage</c> call in bytes (<c>FlashDevice.szPage</c>).</summary>
    public required uint PageSize { get; init; }

    /// <summary>Gets the value of an erased byte (<c>FlashDevice.valEmpty</c>).</summary>
    public byte ErasedValue { get; init; }

    /// <summary>Gets the time-out of one <c>ProgramPage</c> call in milliseconds (<c>FlashDevice.toProg</c>).</summary>
    public uint ProgramPageTimeoutMs { get; init; }

    /// <summary>Gets the time-out of one <c>EraseSector</c> call in milliseconds (<c>FlashDevice.toErase</c>).</summary>
    public uint EraseSectorTimeoutMs { get; init; }

    /// <summary>Gets the sector layout as runs whose offsets are relative to <see cref="FlashStart"/>.</summary>
    public required IReadOnlyList<SectorRun> Sectors { get; init; }

    /// <summary>
    /// Gets the bytes to load into RAM: the <c>PrgCode</c> and <c>PrgData</c> sections laid out
    /// by their link addresses from <see cref="LoadOffset"/> on, zero-initialized data included.
    /// </summary>
    public required ReadOnlyMemory<byte> Code { get; init; }

    /// <summary>Gets the link address of the first byte of <see cref="Code"/> (usually 0); offsets in this record are relative to it.</summary>
    public uint LoadOffset { get; init; }

    /// <summary>Gets the entry points, as offsets into <see cref="Code"/>.</summary>
    public required FlashAlgorithmEntryPoints EntryPoints { get; init; }

    /// <summary>Gets the offset into <see cref="Code"/> of the data (<c>PrgData</c>) that <c>r9</c> must point at.</summary>
    public uint StaticBase { get; init; }
}
