namespace Imprint.Devices;

/// <summary>
/// One region of a device's memory map.
/// </summary>
public sealed record MemoryRegion
{
    /// <summary>Gets the region name (for example <c>flash</c>, <c>sram</c>, <c>uicr</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets what kind of memory the region is.</summary>
    public required MemoryKind Kind { get; init; }

    /// <summary>Gets the first address.</summary>
    public required ulong Start { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public required ulong Size { get; init; }

    /// <summary>Gets the address just past the region.</summary>
    public ulong End => Start + Size;

    /// <summary>
    /// Gets the sector layout as runs: each run starts at an offset from <see cref="Start"/>
    /// and repeats sectors of its size until the next run (or the end of the region), as a
    /// CMSIS <c>FlashDevice</c> descriptor lists them. Empty for RAM.
    /// </summary>
    public IReadOnlyList<SectorRun> Sectors { get; init; } = [];

    /// <summary>Gets the page size (largest single program operation) in bytes; 0 for RAM.</summary>
    public uint PageSize { get; init; }

    /// <summary>Gets the value every byte reads as after an erase.</summary>
    /// <value>The default is 0xFF.</value>
    public byte ErasedValue { get; init; } = 0xFF;

    /// <summary>Gets the smallest unit that can be programmed, in bytes (for example 4 or 8).</summary>
    /// <value>The default is 1.</value>
    public uint ProgramGranularity { get; init; } = 1;

    /// <summary>
    /// Gets a value indicating whether the region must be erased before programming. QEMU's
    /// models of flash accept plain writes and need no erase.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RequiresErase { get; init; } = true;

    /// <summary>Gets a value indicating whether the region is write-protected by default.</summary>
    public bool WriteProtected { get; init; }

    /// <summary>
    /// Gets the file name of the flash algorithm (a CMSIS <c>.FLM</c>, kept beside the device
    /// description) that programs this region, or <see langword="null"/> when the region is
    /// written some other way.
    /// </summary>
    public string? Algorithm { get; init; }

    /// <summary>
    /// Returns the sector containing <paramref name="address"/>.
    /// </summary>
    /// <param name="address">An address inside the region.</param>
    /// <returns>The sector's first address and size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The address is outside the region or the region has no sectors.</exception>
    public (ulong Start, ulong Size) SectorAt(ulong address)
    {
        if (address < Start || address >= End || Sectors.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X8} is not in a sector of region {Name}.");
        }

        ulong offset = address - Start;
        for (int i = Sectors.Count - 1; i >= 0; i--)
        {
            var run = Sectors[i];
            if (offset >= run.Offset)
            {
                ulong index = (offset - run.Offset) / run.Size;
                return (Start + run.Offset + (index * run.Size), run.Size);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X8} lies before the first sector run of region {Name}.");
    }

    /// <summary>
    /// Enumerates the sectors that intersect [<paramref name="start"/>, <paramref name="end"/>).
    /// </summary>
    /// <param name="start">The first address.</param>
    /// <param name="end">The address just past the range.</param>
    /// <returns>Each sector's first address and size, ascending.</returns>
    public IEnumerable<(ulong Start, ulong Size)> SectorsCovering(ulong start, ulong end)
    {
        ulong from = Math.Max(start, Start), to = Math.Min(end, End);
        while (from < to)
        {
            var sector = SectorAt(from);
            yield return sector;
            from = sector.Start + sector.Size;
        }
    }
}
