namespace Imprint.Devices.Internal;

/// <summary>Reads and checks the <c>memory</c> list of a device file.</summary>
internal static class MemoryRegionReader
{
    internal static readonly Dictionary<string, MemoryKind> Kinds = new(StringComparer.Ordinal)
    {
        ["flash"] = MemoryKind.Flash,
        ["ram"] = MemoryKind.Ram,
        ["otp"] = MemoryKind.Otp,
        ["option-bytes"] = MemoryKind.OptionBytes,
        ["rom"] = MemoryKind.Rom,
    };

    public static IReadOnlyList<MemoryRegion> ReadAll(YamlFields root)
    {
        var list = root.OptionalList("memory");
        if (list is null || list.Items.Count == 0) throw root.Error("memory", "must list at least one region.");
        var regions = new List<(MemoryRegion Region, string Path)>(list.Items.Count);
        for (int i = 0; i < list.Items.Count; i++)
        {
            var fields = new YamlFields(list.Items[i], root.FileName, $"memory[{i}]");
            var region = Read(fields);
            foreach (var (other, otherPath) in regions)
            {
                if (string.Equals(other.Name, region.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw fields.Error(fields.PathOf("name"), $"'{region.Name}' is already used by {otherPath}.");
                }

                if (region.Start < other.End && other.Start < region.End)
                {
                    throw fields.Error($"({region.Name}, {Range(region)}) overlaps {otherPath} ({other.Name}, {Range(other)}).");
                }
            }

            regions.Add((region, fields.PathPrefix));
        }

        return [.. regions.Select(r => r.Region).OrderBy(r => r.Start)];
    }

    private static string Range(MemoryRegion r) => $"0x{r.Start:X8}-0x{r.End - 1:X8}";

    private static MemoryRegion Read(YamlFields f)
    {
        f.RefuseUnknown("name", "kind", "start", "size", "sectors", "page-size", "erased-value", "program-granularity", "requires-erase", "write-protected", "algorithm");
        string name = f.RequiredString("name");
        if (!DeviceReader.NamePattern().IsMatch(name))
        {
            throw f.Error(f.PathOf("name"), $"must be 1 to 64 letters, digits, '_', '.', '+' or '-' starting with a letter or digit, not '{YamlFields.Clip(name)}'.");
        }

        var kind = f.OptionalChoice("kind", Kinds) ?? throw f.Error(f.PathOf("kind"), $"is required (one of {string.Join(", ", Kinds.Keys)}).");
        ulong start = f.RequiredNumber("start");
        ulong size = f.RequiredNumber("size");
        if (size == 0) throw f.Error(f.PathOf("size"), "must not be 0.");
        DeviceReader.CheckAddressRange(f, f.PathPrefix, start, size);

        bool programmable = kind is MemoryKind.Flash or MemoryKind.Otp or MemoryKind.OptionBytes;
        if (!programmable)
        {
            foreach (var key in (string[])["sectors", "page-size", "program-granularity", "algorithm"])
            {
                if (f.Has(key)) throw f.Error(f.PathOf(key), $"is only allowed for flash, otp and option-bytes regions, not for {f.OptionalString("kind")}.");
            }
        }

        var sectors = ReadSectors(f, kind, size);
        ulong pageSize = f.OptionalNumber("page-size") ?? (sectors.Count > 0 ? sectors.Min(s => s.Size) : 0);
        if (f.Has("page-size") && (!NumberText.IsPowerOfTwo(pageSize) || pageSize > size))
        {
            throw f.Error(f.PathOf("page-size"), $"must be a power of two no larger than the region, not 0x{pageSize:X}.");
        }

        pageSize = Math.Min(pageSize, uint.MaxValue);

        ulong granularity = f.OptionalNumber("program-granularity") ?? 1;
        if (!NumberText.IsPowerOfTwo(granularity) || granularity > 1024)
        {
            throw f.Error(f.PathOf("program-granularity"), $"must be a power of two from 1 to 1024, not {granularity}.");
        }

        if (pageSize != 0 && granularity > pageSize)
        {
            throw f.Error(f.PathOf("program-granularity"), $"({granularity}) must not be larger than page-size ({pageSize}).");
        }

        if (start % granularity != 0 || size % granularity != 0)
        {
            throw f.Error(f.PathOf("program-granularity"), $"({granularity}) must divide the region's start and size (0x{start:X8}, 0x{size:X}).");
        }

        ulong erased = f.OptionalNumber("erased-value") ?? 0xFF;
        if (erased > 0xFF) throw f.Error(f.PathOf("erased-value"), $"must be a byte (0x00 to 0xFF), not 0x{erased:X}.");

        return new MemoryRegion
        {
            Name = name,
            Kind = kind,
            Start = start,
            Size = size,
            Sectors = sectors,
            PageSize = (uint)pageSize,
            ErasedValue = (byte)erased,
            ProgramGranularity = (uint)granularity,
            RequiresErase = f.OptionalBool("requires-erase") ?? kind is MemoryKind.Flash or MemoryKind.OptionBytes,
            WriteProtected = f.OptionalBool("write-protected") ?? false,
            Algorithm = DeviceReader.ReadAlgorithmName(f, "algorithm"),
        };
    }

    // Runs are written as { size, count } (the last one may omit count and repeat to the end)
    // or CMSIS-style as { offset, size }; both become SectorRun(offset, size).
    private static List<SectorRun> ReadSectors(YamlFields region, MemoryKind kind, ulong regionSize)
    {
        var runs = new List<SectorRun>();
        var list = region.OptionalList("sectors");
        if (list is null) return runs;
        if (list.Items.Count == 0) throw region.Error(region.PathOf("sectors"), "must list at least one run when present.");
        string sectorsPath = region.PathOf("sectors");
        ulong? nextOffset = 0; // where the next run starts when its offset is not written
        for (int i = 0; i < list.Items.Count; i++)
        {
            var f = new YamlFields(list.Items[i], region.FileName, $"{sectorsPath}[{i}]");
            f.RefuseUnknown("offset", "size", "count");
            ulong size = f.RequiredNumber("size");
            if (size == 0) throw f.Error(f.PathOf("size"), "must not be 0.");
            if (kind == MemoryKind.Flash && !NumberText.IsPowerOfTwo(size)) throw f.Error(f.PathOf("size"), $"must be a power of two, not 0x{size:X}.");
            ulong? count = f.OptionalNumber("count");
            if (count == 0) throw f.Error(f.PathOf("count"), "must be at least 1.");

            ulong offset;
            if (f.OptionalNumber("offset") is { } written)
            {
                if (i == 0 && written != 0) throw f.Error(f.PathOf("offset"), $"must be 0 (the first run starts at the region's start), not 0x{written:X}.");
                if (nextOffset is { } expected && written != expected)
                {
                    throw f.Error(f.PathOf("offset"), $"is 0x{written:X}, but {sectorsPath}[{i - 1}] ends at 0x{expected:X}.");
                }

                if (i > 0)
                {
                    var previous = runs[^1];
                    if (written <= previous.Offset || (written - previous.Offset) % previous.Size != 0)
                    {
                        throw f.Error(f.PathOf("offset"), $"(0x{written:X}) must lie a whole number of {sectorsPath}[{i - 1}]'s 0x{previous.Size:X}-byte sectors after its start (0x{previous.Offset:X}).");
                    }
                }

                offset = written;
            }
            else
            {
                offset = nextOffset ?? throw f.Error(f.PathOf("offset"), $"is required because {sectorsPath}[{i - 1}] has no count.");
            }

            if (offset >= regionSize) throw f.Error($"starts at offset 0x{offset:X}, past the region's size 0x{regionSize:X}.");
            if (offset % size != 0) throw f.Error(f.PathOf("offset"), $"(0x{offset:X}) must be a multiple of the run's sector size 0x{size:X}.");
            if (count is { } n && (n > regionSize / size || offset + (n * size) > regionSize))
            {
                throw f.Error($"runs past the region's end: offset 0x{offset:X} + {n} × 0x{size:X} > 0x{regionSize:X}.");
            }

            nextOffset = count is { } c ? offset + (c * size) : null;
            runs.Add(new SectorRun(offset, size));
        }

        var last = runs[^1];
        if (nextOffset is { } end ? end != regionSize : (regionSize - last.Offset) % last.Size != 0)
        {
            ulong covered = nextOffset ?? last.Offset + ((regionSize - last.Offset) / last.Size * last.Size);
            throw region.Error(sectorsPath, $"cover 0x{covered:X} bytes, but the region is 0x{regionSize:X} bytes.");
        }

        return runs;
    }
}
