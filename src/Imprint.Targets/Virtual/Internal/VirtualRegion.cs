using System.Numerics;
using Imprint.Devices;

namespace Imprint.Targets.Virtual.Internal;

/// <summary>The bytes behind one region of a virtual part, with the rules its kind of memory follows.</summary>
internal sealed class VirtualRegion
{
    // Backing arrays are allocated in full: a catalog part's flash is a few MiB at most, and
    // a larger region is far more likely a typo in a device description than a real part.
    private const ulong MaxSize = 256UL * 1024 * 1024;

    private readonly HashSet<ulong> _protectedSectors = [];
    private readonly bool[]? _otpProgrammed;

    public VirtualRegion(MemoryRegion region, string deviceName)
    {
        Region = region;
        if (region.Size == 0 || region.Size > MaxSize)
        {
            throw new TargetException(
                $"region {region.Name} of device {deviceName} is {region.Size} bytes; the virtual microcontroller supports 1 byte to 256 MiB per region.",
                address: region.Start);
        }

        Data = new byte[region.Size];
        if (IsNonVolatile) Data.AsSpan().Fill(region.ErasedValue);
        if (region.Kind == MemoryKind.Otp) _otpProgrammed = new bool[(region.Size + Granularity - 1) / Granularity];
        if (region.WriteProtected)
        {
            foreach (var sector in SectorsCovering(region.Start, region.End)) _protectedSectors.Add(sector.Start);
        }
    }

    public MemoryRegion Region { get; }

    public byte[] Data { get; }

    public string Name => Region.Name;

    public uint Granularity => Math.Max(1u, Region.ProgramGranularity);

    public bool IsNonVolatile => Region.Kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;

    /// <summary>Gets whether bits only clear when programmed and an erase is needed to set them (real flash, OTP).</summary>
    public bool ClearsBitsOnly => Region.Kind == MemoryKind.Otp || (Region.Kind is MemoryKind.Flash or MemoryKind.OptionBytes && Region.RequiresErase);

    public bool Contains(ulong address) => address >= Region.Start && address < Region.End;

    public Span<byte> Slice(ulong address, int length) => Data.AsSpan((int)(address - Region.Start), length);

    /// <summary>A region without sector runs erases as one sector.</summary>
    public (ulong Start, ulong Size) SectorAt(ulong address) =>
        Region.Sectors.Count == 0 ? (Region.Start, Region.Size) : Region.SectorAt(address);

    public IEnumerable<(ulong Start, ulong Size)> SectorsCovering(ulong start, ulong end) =>
        Region.Sectors.Count == 0
            ? (start < Region.End && end > Region.Start ? [(Region.Start, Region.Size)] : [])
            : Region.SectorsCovering(start, end);

    public bool IsProtected(ulong address) => _protectedSectors.Contains(SectorAt(address).Start);

    public void SetProtection(ulong start, ulong end, bool protect)
    {
        foreach (var sector in SectorsCovering(start, end))
        {
            if (protect) _protectedSectors.Add(sector.Start);
            else _protectedSectors.Remove(sector.Start);
        }
    }

    /// <summary>
    /// A bus write: plain for RAM; for memory that needs no erase (QEMU-like flash, option bytes
    /// written through a register, OTP) a program operation; refused where an erase is needed.
    /// </summary>
    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        switch (Region.Kind)
        {
            case MemoryKind.Ram:
                data.CopyTo(Slice(address, data.Length));
                return;
            case MemoryKind.Rom:
                throw new TargetException($"0x{address:X8} is in read-only region {Name}.", address: address);
            default:
                if (Region.RequiresErase)
                {
                    throw new TargetException(
                        $"0x{address:X8} is in {KindName} region {Name}, which only flash programming can write.", address: address);
                }

                Program(address, data);
                return;
        }
    }

    /// <summary>A program operation: flash rules where the region has them, a plain write otherwise.</summary>
    public void Program(ulong address, ReadOnlySpan<byte> data)
    {
        if (Region.Kind == MemoryKind.Rom)
        {
            throw new TargetException($"0x{address:X8} is in read-only region {Name}.", address: address);
        }

        if (!ClearsBitsOnly)
        {
            if (Region.Kind != MemoryKind.Ram) CheckProtection(address, data.Length);
            data.CopyTo(Slice(address, data.Length));
            return;
        }

        ulong offset = address - Region.Start;
        if (offset % Granularity != 0)
        {
            throw new TargetException(
                $"program at 0x{address:X8} is not aligned to the {Granularity}-byte programming granularity of region {Name}.", address: address);
        }

        if ((ulong)data.Length % Granularity != 0)
        {
            throw new TargetException(
                $"program of {data.Length} bytes at 0x{address:X8} is not a whole number of {Granularity}-byte units of region {Name}.", address: address);
        }

        CheckProtection(address, data.Length);
        if (_otpProgrammed is not null)
        {
            ulong first = offset / Granularity, count = (ulong)data.Length / Granularity;
            for (ulong unit = first; unit < first + count; unit++)
            {
                if (_otpProgrammed[unit])
                {
                    ulong at = Region.Start + (unit * Granularity);
                    throw new TargetException($"OTP at 0x{at:X8} in region {Name} is already programmed.", address: at);
                }
            }

            _otpProgrammed.AsSpan((int)first, (int)count).Fill(true);
        }

        // Programming drives cells away from the erased state; it cannot set a bit back.
        var target = Slice(address, data.Length);
        bool setsBits = Region.ErasedValue == 0x00;
        int i = 0;
        for (; i + Vector<byte>.Count <= target.Length; i += Vector<byte>.Count)
        {
            var cells = new Vector<byte>(target[i..]);
            var written = new Vector<byte>(data[i..]);
            (setsBits ? cells | written : cells & written).CopyTo(target[i..]);
        }

        for (; i < target.Length; i++) target[i] = setsBits ? (byte)(target[i] | data[i]) : (byte)(target[i] & data[i]);
    }

    /// <summary>Checks that a sector may be erased (flash or option bytes, not protected).</summary>
    public void CheckErasable(ulong sectorStart)
    {
        if (Region.Kind == MemoryKind.Otp)
        {
            throw new TargetException(
                $"0x{sectorStart:X8} is in region {Name}, which is one-time programmable and cannot be erased.", address: sectorStart);
        }

        if (!IsNonVolatile)
        {
            throw new TargetException($"0x{sectorStart:X8} is in {KindName} region {Name}, which has no sectors to erase.", address: sectorStart);
        }

        if (_protectedSectors.Contains(sectorStart))
        {
            throw new TargetException($"0x{sectorStart:X8} is in a write-protected sector of region {Name}.", address: sectorStart);
        }
    }

    public void EraseSector(ulong sectorStart, ulong size) => Slice(sectorStart, (int)size).Fill(Region.ErasedValue);

    private string KindName => Region.Kind switch
    {
        MemoryKind.Ram => "RAM",
        MemoryKind.Otp => "OTP",
        MemoryKind.OptionBytes => "option-byte",
        MemoryKind.Rom => "read-only",
        _ => "flash",
    };

    private void CheckProtection(ulong address, int length)
    {
        foreach (var sector in SectorsCovering(address, address + (ulong)length))
        {
            if (_protectedSectors.Contains(sector.Start))
            {
                ulong at = Math.Max(address, sector.Start);
                throw new TargetException($"0x{at:X8} is in a write-protected sector of region {Name}.", address: at);
            }
        }
    }
}
